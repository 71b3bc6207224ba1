"""
Live blogs for readers: the updates on the story's page, and the small JSON answer its page
asks for every few seconds to show new ones without a reload (articles/static/articles/live.js).
The answer is the same for every reader, so front caches keep it for a few seconds and drop it
when an update is posted (its keys); the page works without it, a reload shows the same.
"""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views import View

from articles.caching.keys import object_key
from articles.models import Article, LiveEntry, live_key

# The most updates one answer carries: a reader away for long reloads the page instead.
UPDATES_PER_ANSWER = 50


def live_entries(article) -> list[LiveEntry]:
    """A live blog's updates, newest first, with what they show (one query); [] for others."""
    if article.article_type != Article.Type.LIVE:
        return []
    entries = list(LiveEntry.objects.filter(article=article).for_page().newest_first())
    for entry in entries:
        entry.article = article  # Their addresses are the blog's: no query each.
    return entries


def live_context(article, entries) -> dict | None:
    """What a live blog's page shows of its updates: pinned, key events, the stream."""
    if article.article_type != Article.Type.LIVE:
        return None
    return {
        "pinned": [entry for entry in entries if entry.pinned],
        "key_events": [entry for entry in entries if entry.key_event],
        "entries": [entry for entry in entries if not entry.pinned],
        "latest": max((entry.pk for entry in entries), default=0),
        "poll_seconds": settings.NEWSROOM_LIVE_POLL_SECONDS,
    }


class LiveUpdatesView(View):
    """
    The updates of a published live blog posted after `?after=<id>`, oldest first, each as the
    HTML its page shows; whether the coverage has ended; the newest id to ask after next.
    """

    def get(self, request, slug):
        after = request.GET.get("after", "0")
        if not after.isdigit() or len(after) > 18:
            return _refused("after: the id of the newest update the page has, a whole number.")
        article = (
            Article.objects.published()
            .filter(slug=slug, article_type=Article.Type.LIVE)
            .only("pk", "slug", "article_type", "live_ended_at")
            .first()
        )
        if article is None:
            raise Http404("No live blog at this address.")
        entries = list(
            LiveEntry.objects.filter(article=article, pk__gt=int(after))
            .for_page()
            .order_by("pk")[:UPDATES_PER_ANSWER]
        )
        for entry in entries:
            entry.article = article
        response = JsonResponse(
            {
                "updates": [
                    {"id": entry.pk, "pinned": entry.pinned, "html": _entry_html(entry)}
                    for entry in entries
                ],
                "latest": entries[-1].pk if entries else int(after),
                "ended": article.live_ended_at is not None,
            }
        )
        seconds = settings.NEWSROOM_LIVE_POLL_SECONDS
        patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)
        # Tagged as pages are: a front cache drops it when an update is posted, or the blog ends.
        keys = sorted({live_key(article.pk), object_key("articles.article", article.pk)})
        response["Surrogate-Key"] = response["xkey"] = " ".join(keys)
        return response


def _entry_html(entry):
    return render_to_string("articles/includes/live_entry.html", {"entry": entry})


def _refused(message):
    response = JsonResponse({"error": message, "status": 400}, status=400)
    response["Cache-Control"] = "no-store"
    return response
