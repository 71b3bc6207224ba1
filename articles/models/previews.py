"""
Shareable previews: a link that shows a story readers cannot see yet (a draft, a story in
review, scheduled or under embargo) to someone without an account, until it expires or is
revoked.

The link carries a token of 256 random bits; only the token's SHA-256 digest is stored, so the
database (a backup, a dump, a replica) never holds a working link. A slow password hash is for
secrets people choose: a token this random cannot be guessed from its digest, and one fast hash
lets a request find its link by an indexed lookup, with nothing compared in Python whose timing
could tell how much of a guess was right.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

# secrets.token_urlsafe(32): 43 characters of A-Z a-z 0-9 - _.
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# The longest a link may live, and how long it lives unless the editor says otherwise.
MAX_LIFETIME = timedelta(days=30)
DEFAULT_LIFETIME = timedelta(days=7)


def preview_token_make() -> str:
    """A new random token for a preview link's address."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def preview_token_digest(token: str) -> str:
    """The stored form of `token`: its SHA-256 digest, in hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def preview_token_well_formed(token: str) -> bool:
    """Whether `token` looks like one we issue (anything else is refused without a query)."""
    return bool(TOKEN_PATTERN.fullmatch(token))


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self):
        """Links that open their story now: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_token(self, token: str):
        """The link whose address carries `token` (none for a malformed one), usable or not."""
        if not preview_token_well_formed(token):
            return self.none()
        return self.filter(token_hash=preview_token_digest(token))


class PreviewLink(models.Model):
    """
    A signed, unguessable address showing one unpublished article as the staff preview shows
    it, to whoever holds it, until `expires_at` or until it is revoked. It has no
    get_absolute_url(): its address holds a token that is stored nowhere, shown once when the
    link is made.
    """

    article = models.ForeignKey(
        "Article",
        verbose_name="article",
        on_delete=models.CASCADE,
        related_name="preview_links",
        help_text="The story the link shows. Deleting the story deletes its links.",
    )
    token_hash = models.CharField(
        "token digest",
        max_length=64,
        unique=True,
        editable=False,
        help_text="The SHA-256 digest of the token in the link's address; the token itself is "
        "kept nowhere.",
    )
    note = models.CharField(
        "shared with",
        max_length=200,
        help_text="Who the link is for and why, as the audit log will name it. "
        "Example: Dr Ana Silva, to check her quotes.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="shared by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who made the link.",
    )
    created_at = models.DateTimeField("shared", default=timezone.now, editable=False)
    expires_at = models.DateTimeField(
        "expires",
        help_text="After this time the link shows nothing. At most 30 days ahead.",
    )
    revoked_at = models.DateTimeField(
        "revoked",
        null=True,
        blank=True,
        editable=False,
        help_text="When someone stopped the link before it expired; empty while it works.",
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="revoked by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who revoked the link.",
    )
    last_used_at = models.DateTimeField(
        "last opened",
        null=True,
        blank=True,
        editable=False,
        help_text="When the link was last recorded as opened (at most once an hour).",
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "preview link"
        verbose_name_plural = "preview links"
        # Who may share or revoke is decided by the article (articles.services.previews): a
        # link has no permissions of its own for roles to hold.
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="preview_link_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"Preview link for {self.note}"

    def clean(self):
        created_at = self.created_at or timezone.now()
        if self.expires_at is not None:
            if self.expires_at <= created_at:
                raise ValidationError({"expires_at": "The link must expire in the future."})
            if self.expires_at > created_at + MAX_LIFETIME:
                raise ValidationError(
                    {"expires_at": "A preview link may live 30 days at most: choose a sooner time."}
                )

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        """Whether the link opens its story now; agrees with `PreviewLinkQuerySet.usable()`."""
        return not self.is_revoked and not self.is_expired

    @property
    def state(self):
        """ "Active", "Expired" or "Revoked", for staff."""
        if self.is_revoked:
            return "Revoked"
        return "Expired" if self.is_expired else "Active"
