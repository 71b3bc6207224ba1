"""
Shareable previews: making a link that shows an unpublished story to someone without an
account, revoking it, and recording that it was opened.

Who may do what: whoever may change an article (an editor any, a reporter their own drafts)
may share a preview of it; editors may revoke any link, and whoever made a link may revoke it.
Every change is recorded and announced after commit (events), like any other: the audit log
names the story, who it was shared with and until when. A link's plain token is returned once,
by the function that made it, and kept nowhere.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles import permissions
from articles.models import Article, PreviewLink
from articles.models.previews import preview_token_digest, preview_token_make
from articles.services import events

# A link opened again within this time is not recorded again: one audit entry per link per
# hour at most, whoever opens it, so a link passed around costs the page nothing.
OPENED_RECORD_INTERVAL = timedelta(hours=1)


def preview_link_may_create(user, article: Article) -> bool:
    """Whether `user` may share a preview of `article`: whoever may change it."""
    return permissions.can_edit(user, article)


def preview_link_may_revoke(user, link: PreviewLink) -> bool:
    """Whether `user` may revoke `link`: an editor any link, others the links they made."""
    if user is None:
        return True
    if not user.has_perm("articles.change_article"):
        return False
    return permissions.can_publish(user) or (
        link.created_by_id is not None and link.created_by_id == user.pk
    )


@transaction.atomic
def preview_link_create(
    *, article: Article, expires_at: datetime, user=None, note: str
) -> tuple[PreviewLink, str]:
    """
    Make a link showing `article` to whoever holds it until `expires_at` (in the future, at
    most 30 days ahead), shared with whoever `note` names; return it with the plain token for
    its address, the only time the token exists. Raises PermissionDenied when `user` may not
    change the article, ValidationError when the story is public already or the link is not
    valid; nothing is written then.
    """
    if not preview_link_may_create(user, article):
        raise PermissionDenied(f"{user} may not share a preview of this article.")
    if article.is_published:
        raise ValidationError("This story is on the public site already: share its address.")
    token = preview_token_make()
    link = PreviewLink(
        article=article,
        token_hash=preview_token_digest(token),
        note=note.strip(),
        expires_at=expires_at,
        created_by=_person(user),
    )
    link.full_clean()
    link.save(force_insert=True)
    until = timezone.localtime(link.expires_at)
    events.record(
        instance=link,
        action=events.Action.PREVIEW_SHARE,
        user=user,
        fields=["expires_at", "note"],
        note=f"{_story(article)} shared with {link.note}, until {until:%Y-%m-%d %H:%M %Z}",
    )
    return link, token


@transaction.atomic
def preview_link_revoke(*, link: PreviewLink, user=None) -> PreviewLink:
    """
    Stop `link` now: it answers 404 from the next request on. Revoking a link revoked already
    changes nothing and records nothing. Raises PermissionDenied when `user` may not.
    """
    stored = PreviewLink.objects.select_for_update().select_related("article").get(pk=link.pk)
    if not preview_link_may_revoke(user, stored):
        raise PermissionDenied(f"{user} may not revoke this preview link.")
    if stored.revoked_at is None:
        stored.revoked_at = timezone.now()
        stored.revoked_by = _person(user)
        stored.save(update_fields=["revoked_at", "revoked_by"])
        events.record(
            instance=stored,
            action=events.Action.PREVIEW_REVOKE,
            user=user,
            fields=["revoked_at"],
            note=f"{_story(stored.article)}, shared with {stored.note}: link revoked",
        )
    link.revoked_at, link.revoked_by_id = stored.revoked_at, stored.revoked_by_id
    return link


def preview_link_opened(*, link: PreviewLink, ip_address: str | None = None) -> bool:
    """
    Record that `link` (with its article loaded) was opened, from `ip_address`: at most once
    per OPENED_RECORD_INTERVAL, costing no query when it was recorded within it. Returns
    whether this opening was recorded. Concurrent openings record one: the database decides.
    """
    now = timezone.now()
    since = now - OPENED_RECORD_INTERVAL
    if link.last_used_at is not None and link.last_used_at > since:
        return False
    with transaction.atomic():
        due = Q(last_used_at__isnull=True) | Q(last_used_at__lte=since)
        if not PreviewLink.objects.filter(due, pk=link.pk).update(last_used_at=now):
            return False
        link.last_used_at = now
        events.record(
            instance=link,
            action=events.Action.PREVIEW_OPEN,
            fields=["last_used_at"],
            note=f"{_story(link.article)}, shared with {link.note}: opened",
            ip_address=_address(ip_address),
        )
    return True


def _story(article):
    return f"Preview of “{article.headline}” (article {article.pk})"


def _person(user):
    return user if getattr(user, "is_authenticated", False) else None


def _address(value):
    """`value` when it is an IP address (REMOTE_ADDR may be anything a server sets), else None."""
    try:
        validate_ipv46_address(value or "")
    except ValidationError:
        return None
    return value
