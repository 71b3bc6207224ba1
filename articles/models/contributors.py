"""Who a story is by: staff authors and the agencies that supply stories and photos."""

from django.db import models
from django.urls import reverse

from articles.models.fields import CleanTextModel, URLField, longest
from articles.models.loading import RecordedModel


class Author(CleanTextModel, RecordedModel):
    """A person who writes or reports for the newsroom."""

    name = models.CharField("name", max_length=120, help_text="As printed in the byline.")
    slug = models.SlugField(
        "slug", max_length=120, unique=True, help_text="Used in the author page's address."
    )
    job_title = models.CharField(
        "job title", max_length=120, blank=True, help_text="Example: Europe correspondent."
    )
    bio = models.TextField(
        "short biography",
        blank=True,
        validators=longest(10_000),
        help_text="Plain text, a few sentences.",
    )
    portrait = models.ForeignKey(
        "Photo",
        verbose_name="portrait",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "author"
        verbose_name_plural = "authors"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author-detail", kwargs={"slug": self.slug})


class Agency(CleanTextModel, RecordedModel):
    """A wire service or partner that supplies stories and photos."""

    name = models.CharField(
        "name", max_length=120, unique=True, help_text="Full name. Example: The Associated Press."
    )
    short_name = models.CharField(
        "short name", max_length=30, help_text="As printed in bylines. Example: AP."
    )
    slug = models.SlugField("slug", max_length=80, unique=True)
    website = URLField("website", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "agency"
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("articles:agency-detail", kwargs={"slug": self.slug})

    @property
    def display_name(self):
        """The agency as bylines print it: its short name, else its full name."""
        return self.name_printed(self.short_name, self.name)

    @staticmethod
    def name_printed(short_name, name):
        """The one rule of an agency's printed name, for rows read without the model."""
        return short_name or name
