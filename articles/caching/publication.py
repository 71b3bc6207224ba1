"""
When the next scheduled article goes live (its publish time, or its embargo's end), or the next
scheduled front arrangement takes effect: no page or fragment is kept past it, since it can
change what they show with no write to announce it (a list gains the story, a "Read more" link
to it appears, a front changes its lead).
"""

from django.conf import settings
from django.db.models import F

from articles.caching import keys as page_keys
from articles.caching import store, versions
from articles.models import Article, FrontArrangement, goes_live_at

_NEXT_PUBLICATION = "newsroom:next-publication"
# (clock reading, next publication) as this process last found them: only a change, which
# moves the clock, can schedule, publish or withdraw an article.
_known: tuple[int | None, float] = (None, 0)


def seconds_until_next_publication(now):
    """Seconds until the next scheduled article goes live (None if there is none)."""
    global _known
    reading = versions.held_reading()
    known_at, next_at = _known
    if reading is not None and reading == known_at and not (next_at and next_at <= now.timestamp()):
        return next_at - now.timestamp() if next_at else None
    found = store.get(_NEXT_PUBLICATION)
    if found is not None:
        next_at, built_at = found
        # Kept until an article enters or leaves a list, scheduled ones included, or a front
        # is arranged.
        fresh, _ = versions.fresh([page_keys.ALL_ARTICLES, page_keys.FRONTS], built_at)
        if fresh and not (next_at and next_at <= now.timestamp()):
            if reading is not None:
                _known = (reading, next_at)
            return next_at - now.timestamp() if next_at else None
    built_at = versions.clock()
    # Both kinds of scheduled change, in one query.
    articles = Article.objects.scheduled().annotate(live_at=goes_live_at())
    fronts = FrontArrangement.objects.upcoming().annotate(live_at=F("takes_effect_at"))
    soonest = (
        articles.order_by()
        .values_list("live_at", flat=True)
        .union(fronts.order_by().values_list("live_at", flat=True))
        .order_by("live_at")
        .first()
    )
    next_at = soonest.timestamp() if soonest else 0
    if built_at is not None:
        timeout = settings.NEWSROOM_PAGE_CACHE_SECONDS or None
        store.set(_NEXT_PUBLICATION, (next_at, built_at), timeout=timeout)
        if reading is not None and built_at == reading:
            _known = (reading, next_at)
    return next_at - now.timestamp() if next_at else None
