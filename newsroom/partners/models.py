"""Partners: who may read our stories through the Partner API, with which key, in what scope."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from newsroom.partners.keys import key_digest, key_well_formed


class PartnerQuerySet(models.QuerySet):
    def active(self):
        """Partners whose key works: not revoked."""
        return self.filter(revoked_at__isnull=True)

    def for_key(self, key: str):
        """The active partner whose key is `key` (none for a malformed, unknown or revoked key)."""
        if not key_well_formed(key):
            return self.none()
        return self.active().filter(key_hash=key_digest(key))


class Partner(models.Model):
    name = models.CharField(
        "name",
        max_length=200,
        unique=True,
        help_text="The partner's name as staff know it. Example: Baltic News Agency.",
    )
    contact_email = models.EmailField(
        "contact email",
        blank=True,
        help_text="Whom to tell about a new key, a revoked one or a change to the API.",
    )
    notes = models.TextField(
        "notes",
        blank=True,
        max_length=2000,
        help_text="The agreement behind the access, for staff: its terms, dates, reference.",
    )
    all_sections = models.BooleanField(
        "all sections",
        default=False,
        help_text="Tick to serve stories of every section, sections added later included. "
        "Otherwise only stories of the sections chosen below are served.",
    )
    sections = models.ManyToManyField(
        # By name: the partners' app stands below the articles and imports nothing of them.
        "articles.Section",
        verbose_name="sections",
        blank=True,
        related_name="+",
        help_text="The sections whose published stories this partner may read, when "
        "“all sections” is not ticked. None chosen: no story at all.",
    )
    rate_limit = models.PositiveIntegerField(
        "requests per minute",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How many requests this partner's key may make each minute; further ones "
        "are refused until the minute is over. Empty: the site's default "
        "(PARTNER_API_RATE_PER_MINUTE).",
    )
    key_prefix = models.CharField(
        "key starts with",
        max_length=16,
        editable=False,
        help_text="The first characters of the current key, to tell keys apart. The key "
        "itself is shown once, when it is issued, and kept nowhere.",
    )
    key_hash = models.CharField(
        "key digest",
        max_length=64,
        unique=True,
        editable=False,
        help_text="The SHA-256 digest of the current key: what a request's key is checked "
        "against. Never shown.",
    )
    key_issued_at = models.DateTimeField(
        "key issued", editable=False, help_text="When the current key was issued."
    )
    revoked_at = models.DateTimeField(
        "revoked",
        null=True,
        blank=True,
        editable=False,
        help_text="When access was revoked: the key no longer works. Issuing a new key "
        "gives access again.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "partner"
        verbose_name_plural = "partners"
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_limit__isnull=True) | Q(rate_limit__gte=1),
                name="partner_rate_limit_positive",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def requests_per_minute(self) -> int:
        """The partner's rate limit, or the site's default."""
        return self.rate_limit or settings.NEWSROOM_PARTNER_API_RATE_PER_MINUTE
