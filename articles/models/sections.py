"""Sections: the parts of the site an article is filed in."""

from django.db import models
from django.urls import reverse

from articles.models.fields import CleanTextModel, longest
from articles.models.loading import RecordedModel


class Section(CleanTextModel, RecordedModel):
    name = models.CharField("name", max_length=80, unique=True)
    slug = models.SlugField(
        "slug", max_length=80, unique=True, help_text="Used in the web address."
    )
    description = models.TextField(
        "description",
        blank=True,
        validators=longest(5_000),
        help_text="Shown at the top of the section page.",
    )
    order = models.PositiveSmallIntegerField(
        "order", default=0, help_text="Sections with lower numbers come first in menus and lists."
    )
    in_navigation = models.BooleanField(
        "in navigation", default=True, help_text="Show this section in the site's main menu."
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "section"
        verbose_name_plural = "sections"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section-detail", kwargs={"slug": self.slug})
