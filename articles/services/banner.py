"""
The breaking-news banner: switched on and off through here, whatever the door. Each checks who
may, writes in one transaction and records the change; after the commit every page, which all
show the banner, goes stale (its key, articles.caching.keys).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from articles import permissions
from articles.models import Article, Banner
from articles.services import events


@transaction.atomic
def banner_show(*, text: str, article: Article | None = None, user=None) -> Banner:
    """
    Switch a banner on across the top of every page, in place of any shown now. Raises
    PermissionDenied when `user` may not publish, ValidationError when the text is not valid.
    """
    if not permissions.can_publish(user):
        raise PermissionDenied("Only editors switch the breaking-news banner on.")
    banner = Banner(text=text, article=article, created_by=user)
    banner.full_clean(exclude=["article", "created_by"])
    _switch_off(user)
    banner.save()
    events.record(instance=banner, action=events.Action.CREATE, user=user)
    return banner


@transaction.atomic
def banner_hide(*, user=None) -> int:
    """Switch the banner off; returns how many were on (0 or 1). Raises PermissionDenied."""
    if not permissions.can_publish(user):
        raise PermissionDenied("Only editors switch the breaking-news banner off.")
    return _switch_off(user)


def _switch_off(user):
    shown = list(Banner.objects.shown().select_for_update())
    now = timezone.now()
    for banner in shown:
        banner.shown_until = now
        banner.save(update_fields=["shown_until"])
        events.record(
            instance=banner, action=events.Action.CHANGE, user=user, fields=["shown_until"]
        )
    return len(shown)
