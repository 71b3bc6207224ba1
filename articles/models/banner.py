"""The breaking-news banner editors switch on across the top of every page, and off again."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.fields import CleanTextModel
from articles.models.loading import RecordedModel


class BannerQuerySet(models.QuerySet):
    def shown(self):
        """The banner readers see now, if any: the one switched on last and not off."""
        return self.filter(shown_until__isnull=True).order_by("-shown_from", "-pk")


class Banner(CleanTextModel, RecordedModel):
    """One breaking-news banner, from when it was switched on until it was switched off."""

    text = models.CharField(
        "text",
        max_length=200,
        help_text="One short line across the top of every page. Example: NATO leaders agree "
        "on Ukraine's path to membership.",
    )
    article = models.ForeignKey(
        "Article",
        verbose_name="story",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The story it links to. While readers cannot see that story, the banner "
        "shows its text without a link.",
    )
    shown_from = models.DateTimeField("switched on", default=timezone.now, editable=False)
    shown_until = models.DateTimeField("switched off", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="switched on by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = BannerQuerySet.as_manager()

    class Meta:
        ordering = ["-shown_from", "-pk"]
        verbose_name = "breaking-news banner"
        verbose_name_plural = "breaking-news banners"

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return self.article.get_absolute_url() if self.article_id else "/"

    @property
    def is_on(self):
        return self.shown_until is None

    @property
    def link(self):
        """The address of its story while readers can see it, else ""."""
        return self.article.get_absolute_url() if self.article and self.article.is_published else ""
