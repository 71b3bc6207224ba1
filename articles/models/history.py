"""An article's history: its corrections, as readers see them, and its saved revisions."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator

from articles.models.fields import CleanTextModel, longest
from articles.models.queries import published_q


class CorrectionQuerySet(models.QuerySet):
    def published(self):
        """Corrections readers may see: those of published articles, newest first."""
        return self.filter(published_q("article__")).order_by("-published_at", "-pk")


class Correction(CleanTextModel):
    """
    A published correction of an article: what was wrong and when it was put right. Corrections
    are only ever added, never edited or removed, so the record readers see stays honest.
    """

    article = models.ForeignKey(
        "Article", verbose_name="article", on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField(
        "correction",
        validators=longest(5_000),
        help_text="What was wrong, as readers will read it. Example: An earlier version of "
        "this article gave the wrong date for the summit.",
    )
    published_at = models.DateTimeField("time", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="added by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "pk"]
        # The corrections page walks them newest first.
        indexes = [models.Index(fields=["-published_at", "-id"], name="correction_newest")]
        verbose_name = "correction"
        verbose_name_plural = "corrections"

    def __str__(self):
        return Truncator(self.text).chars(80)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"


class ArticleRevision(models.Model):
    """
    One saved state of an article with everything readers see of it: its fields, bylines,
    "Read more" links, tags, lead photo and caption, as plain data (rows are rewritten on each
    save, so they are kept by content, not by id). Revisions are only ever added.
    """

    article = models.ForeignKey(
        "Article", verbose_name="article", on_delete=models.CASCADE, related_name="revisions"
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
    data = models.JSONField("content", encoder=DjangoJSONEncoder)
    summary = models.CharField(
        "what changed", max_length=300, blank=True, help_text="Filled in from the changes."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "revision"
        verbose_name_plural = "revisions"
        indexes = [
            # An article's history is read newest first, and so is "who saved it last".
            models.Index(fields=["article", "-created_at", "-id"], name="article_revision_history"),
        ]

    def __str__(self):
        return f"{self.article} at {self.created_at:%Y-%m-%d %H:%M}"
