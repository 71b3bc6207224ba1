"""What an article's byline and "Read more" list are made of: ordered rows."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from articles.models.contributors import Agency, Author
from articles.models.fields import CleanTextModel, URLField


class Byline(CleanTextModel):
    """One name in an article's byline: an author or an agency, in order, with a role."""

    class Role(models.TextChoices):
        # The label is the word that introduces the group in the printed byline.
        AUTHOR = "author", "By"
        CONTRIBUTOR = "contributor", "with"

    article = models.ForeignKey(
        "Article", verbose_name="article", on_delete=models.CASCADE, related_name="bylines"
    )
    position = models.PositiveSmallIntegerField("position", default=0)
    author = models.ForeignKey(
        Author,
        verbose_name="author",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bylines",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name="agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bylines",
    )
    role = models.CharField(
        "role",
        max_length=12,
        choices=Role.choices,
        default=Role.AUTHOR,
        help_text="“By” names the writers; “with” names contributors, "
        "as in “By Angela Skujins with AP”.",
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "byline"
        verbose_name_plural = "bylines"
        constraints = [
            models.CheckConstraint(
                condition=Q(author__isnull=False, agency__isnull=True)
                | Q(author__isnull=True, agency__isnull=False),
                name="byline_author_xor_agency",
                violation_error_message="Choose an author or an agency, not both.",
            ),
            models.UniqueConstraint(fields=["article", "position"], name="byline_position_unique"),
            models.UniqueConstraint(
                fields=["article", "author"],
                condition=Q(author__isnull=False),
                name="byline_author_once",
                violation_error_message="This author is already in the byline.",
            ),
            models.UniqueConstraint(
                fields=["article", "agency"],
                condition=Q(agency__isnull=False),
                name="byline_agency_once",
                violation_error_message="This agency is already in the byline.",
            ),
        ]

    def __str__(self):
        return str(self.author or self.agency or "")

    def clean(self):
        # In an import the author or agency may not be saved yet: an id or an object counts.
        if _names(self, "author") == _names(self, "agency"):
            raise ValidationError("Choose an author or an agency, not both.")

    @property
    def name(self):
        return self.author.name if self.author_id else self.agency.display_name

    @property
    def url(self):
        return (self.author or self.agency).get_absolute_url()


class RelatedLink(CleanTextModel):
    """One "Read more" item: another article of ours, or an external page with a title."""

    article = models.ForeignKey(
        "Article",
        verbose_name="article",
        on_delete=models.CASCADE,
        related_name="related_links",
    )
    position = models.PositiveSmallIntegerField("position", default=0)
    target = models.ForeignKey(
        "Article",
        verbose_name="article linked to",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="linked_from",
    )
    url = URLField(
        "external address",
        max_length=500,
        blank=True,
        help_text="For a page outside this site; leave empty when linking to an article.",
    )
    title = models.CharField(
        "title",
        max_length=200,
        blank=True,
        help_text="Required for an external address; for an article, replaces its headline.",
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "related link"
        verbose_name_plural = "related links"
        constraints = [
            models.CheckConstraint(
                condition=(Q(target__isnull=False) & Q(url=""))
                | (Q(target__isnull=True) & ~Q(url="") & ~Q(title="")),
                name="related_link_article_xor_url",
                violation_error_message="Link to an article, or give an external address "
                "with a title, not both.",
            ),
            models.UniqueConstraint(
                fields=["article", "position"], name="related_link_position_unique"
            ),
        ]

    def __str__(self):
        return self.display_title

    def clean(self):
        # The target may be an article not saved yet (an import): an id or an object counts.
        # A link from an article to itself is a rule of the set: services.article_rows_check().
        has_target = _names(self, "target")
        if has_target and self.url:
            raise ValidationError("Link to an article or to an external address, not both.")
        if not has_target:
            if not self.url:
                raise ValidationError(
                    {"url": "An external link needs an address (or choose an article)."}
                )
            if not self.title.strip():
                raise ValidationError({"title": "An external link needs a title."})

    @property
    def display_title(self):
        if self.title:
            return self.title
        return self.target.headline if self.target_id else self.url

    @property
    def href(self):
        return self.target.get_absolute_url() if self.target_id else self.url


def _names(row, relation):
    """Whether `row` names something in `relation`, by id or by an object not saved yet,
    without fetching it."""
    if getattr(row, f"{relation}_id") is not None:
        return True
    field = row._meta.get_field(relation)
    return field.is_cached(row) and field.get_cached_value(row) is not None
