"""
Arranging fronts: the one path every door takes (the admin, the shell) to pin stories to the
home page or a section's page, make a past arrangement live again, or call off a scheduled one.
Each checks who may, validates, writes in one transaction and records the change; after the
commit the pages of that front, and no other, go stale (articles.caching.keys).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles import permissions
from articles.models import Article, FrontArrangement, FrontSlot, Section
from articles.models.fronts import MAX_PINNED
from articles.services import events


@transaction.atomic
def front_arrange(
    *,
    section: Section | None = None,
    articles: Sequence[Article],
    takes_effect_at: datetime | None = None,
    note: str = "",
    user=None,
) -> FrontArrangement:
    """
    Pin `articles`, in order (the lead first), to the home page (`section` None) or to
    `section`'s page, from `takes_effect_at` on (now by default; a future time schedules
    it). Raises PermissionDenied when `user` may not arrange fronts, ValidationError when the
    arrangement is not valid (too many stories, one twice, a time gone by); nothing is written.
    """
    if not permissions.can_arrange_fronts(user):
        raise PermissionDenied("Only editors arrange the fronts.")
    now = timezone.now()
    articles = list(articles)
    errors = {}
    if len(articles) > MAX_PINNED:
        errors["slots"] = f"At most {MAX_PINNED} stories: the lead and {MAX_PINNED - 1} more."
    seen = set()
    for article in articles:
        if article.pk is None:
            errors["slots"] = "Only saved stories can be pinned."
        elif article.pk in seen:
            errors["slots"] = f"“{article}” is pinned twice."
        seen.add(article.pk)
    # A minute's grace: a form filled in at "now" is not refused for the time it took.
    if takes_effect_at is not None and takes_effect_at < now - timedelta(minutes=1):
        errors["takes_effect_at"] = "That time has passed: leave it empty to change the front now."
    arrangement = FrontArrangement(
        section=section,
        takes_effect_at=max(takes_effect_at or now, now),
        note=note,
        created_by=user,
    )
    try:
        arrangement.full_clean(exclude=["section", "created_by"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    arrangement.save()
    FrontSlot.objects.bulk_create(
        FrontSlot(arrangement=arrangement, position=position, article=article)
        for position, article in enumerate(articles)
    )
    events.record(
        instance=arrangement, action=events.Action.CREATE, user=user, note=_said(articles)
    )
    return arrangement


@transaction.atomic
def front_restore(
    *, arrangement: FrontArrangement, user=None, takes_effect_at: datetime | None = None
) -> FrontArrangement:
    """
    Make a past (or scheduled) arrangement's stories the front's again, as a new arrangement
    (now, or at `takes_effect_at`): the history keeps both. Raises as front_arrange() does.
    """
    slots = arrangement.slots.select_related("article").order_by("position")
    when = timezone.localtime(arrangement.takes_effect_at).strftime("%d %b %Y %H:%M")
    return front_arrange(
        section=arrangement.section,
        articles=[slot.article for slot in slots],
        takes_effect_at=takes_effect_at,
        note=f"Restored the arrangement of {when}",
        user=user,
    )


@transaction.atomic
def front_cancel(*, arrangement: FrontArrangement, user=None) -> None:
    """
    Call off a scheduled arrangement before it takes effect. Raises PermissionDenied when
    `user` may not, ValidationError when it has taken effect (it is history then).
    """
    if not permissions.can_arrange_fronts(user):
        raise PermissionDenied("Only editors arrange the fronts.")
    stored = FrontArrangement.objects.select_for_update().get(pk=arrangement.pk)
    if not stored.is_scheduled:
        raise ValidationError("It has taken effect: a front's history is kept. Restore another.")
    label = str(stored)
    pk = stored.pk
    stored.delete()
    stored.pk = pk
    events.record(instance=stored, action=events.Action.DELETE, user=user, note=label)


def _said(articles):
    """The arrangement in words, for the audit log."""
    if not articles:
        return "No story pinned: the front fills itself by recency."
    lead, *top = articles
    said = f"Lead: {lead.headline}"
    return said + (f"; then {', '.join(a.headline for a in top)}" if top else "")
