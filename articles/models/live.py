"""
Live blogs: an article of the live type carries timestamped entries, newest first, some pinned
to the top and some marked as key events, until its coverage ends. Each entry's saves are kept
as revisions, like an article's.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from articles import html
from articles.models.contributors import Agency, Author
from articles.models.fields import CleanTextModel, longest
from articles.models.loading import RecordedModel
from articles.models.photos import Photo


def live_key(article_id) -> str:
    """The key of a live blog's entries (articles.caching.keys): its page, feed and updates."""
    return f"live-a{article_id}"


class LiveEntryQuerySet(models.QuerySet):
    def for_page(self):
        """Entries with what they show: the author or agency, the photo and its source."""
        return self.select_related("author", "agency", "photo__source")

    def newest_first(self):
        return self.order_by("-published_at", "-pk")


class LiveEntry(CleanTextModel, RecordedModel):
    """One update of a live blog: a time, text, perhaps a photo, and who filed it."""

    article = models.ForeignKey(
        "Article",
        verbose_name="live blog",
        on_delete=models.CASCADE,
        related_name="live_entries",
    )
    published_at = models.DateTimeField(
        "time", default=timezone.now, help_text="Shown with the update. Now, unless you change it."
    )
    body = models.TextField(
        "update",
        validators=longest(100_000),
        help_text="What happened: paragraphs, quotes, lists, links and emphasis.",
    )
    photo = models.ForeignKey(
        Photo,
        verbose_name="photo",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="live_entries",
    )
    photo_caption = models.TextField(
        "photo caption",
        blank=True,
        validators=longest(5_000),
        help_text="Replaces the photo's default caption in this update only.",
    )
    author = models.ForeignKey(
        Author,
        verbose_name="author",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="live_entries",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name="agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="live_entries",
        help_text="For an update from a wire agency. Give an author or an agency, not both.",
    )
    pinned = models.BooleanField(
        "pinned", default=False, help_text="Kept at the top of the live blog, above newer updates."
    )
    key_event = models.BooleanField(
        "key event",
        default=False,
        help_text="Listed in the summary of key events at the top, which links to it.",
    )
    title = models.CharField(
        "title",
        max_length=200,
        blank=True,
        help_text="A short headline for the update; the key events list shows it.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="posted by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    modified_at = models.DateTimeField("modified", auto_now=True)

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "live update"
        verbose_name_plural = "live updates"
        indexes = [
            models.Index(fields=["article", "-published_at", "-id"], name="live_entry_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(author__isnull=True) | Q(agency__isnull=True),
                name="live_entry_author_or_agency",
                violation_error_message="Give an author or an agency, not both.",
            ),
        ]

    def __str__(self):
        return self.summary

    def save(self, *args, **kwargs):
        self.body = html.sanitize(self.body, media=False)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"update-{self.pk}"

    @property
    def summary(self):
        """The title, else the start of the text: what the key events list shows."""
        return self.title or Truncator(strip_tags(self.body)).words(12)

    @property
    def caption(self):
        return (self.photo_caption or self.photo.caption) if self.photo_id else ""

    @property
    def byline_name(self):
        if self.author_id:
            return self.author.name
        return self.agency.display_name if self.agency_id else ""


class LiveEntryRevision(models.Model):
    """One saved state of a live update, as plain data: revisions are only ever added."""

    entry = models.ForeignKey(
        LiveEntry, verbose_name="update", on_delete=models.CASCADE, related_name="revisions"
    )
    created_at = models.DateTimeField("saved", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saved by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField("content")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "live update revision"
        verbose_name_plural = "live update revisions"

    def __str__(self):
        return f"{self.entry_id} at {self.created_at:%Y-%m-%d %H:%M}"
