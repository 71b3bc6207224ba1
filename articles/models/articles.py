"""Articles with their ordered bylines and "Read more" links, and the one meaning of published."""

from html import unescape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from taggit.managers import TaggableManager

from articles import html
from articles.models.contributors import Agency, Author
from articles.models.fields import URLField
from articles.models.photos import Photo
from articles.models.sections import Section

# More words than this in a search add nothing but work for the database.
SEARCH_MAX_WORDS = 10


def published_q(prefix=""):
    """The one definition of "published": status published and publish time not in the future."""
    return Q(
        **{f"{prefix}status": Article.Status.PUBLISHED, f"{prefix}publish_at__lte": timezone.now()}
    )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, with a publish time that has come."""
        return self.filter(published_q())

    def in_section(self, section):
        """Articles filed in the given section."""
        return self.filter(section=section)

    def search(self, query):
        """
        Articles matching the query in headline, standfirst or body. PostgreSQL ranks them by
        full-text relevance with stemming; other databases require every word, newest first.
        """
        if connection.vendor == "postgresql":
            # Imported here: it needs the PostgreSQL driver, which SQLite sites don't install.
            from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

            config = settings.NEWSROOM_SEARCH_CONFIG
            vector = (
                SearchVector("headline", weight="A", config=config)
                + SearchVector("standfirst", weight="B", config=config)
                + SearchVector("body", weight="C", config=config)
            )
            search_query = SearchQuery(query, search_type="websearch", config=config)
            return (
                self.annotate(search_vector=vector, search_rank=SearchRank(vector, search_query))
                .filter(search_vector=search_query)
                .order_by("-search_rank", "-publish_at", "-pk")
            )
        matches = Q()
        for word in query.split()[:SEARCH_MAX_WORDS]:
            matches &= (
                Q(headline__icontains=word)
                | Q(standfirst__icontains=word)
                | Q(body__icontains=word)
            )
        return self.filter(matches).latest_first()

    def latest_first(self):
        """Newest publish time first."""
        return self.order_by("-publish_at", "-pk")

    def for_listing(self):
        """What a card shows: section, lead photo and bylines, in a fixed number of queries."""
        return self.select_related("section", "lead_photo").prefetch_related(bylines_prefetch())

    def for_detail(self):
        """What the article page shows: a listing plus tags and "Read more" links."""
        return (
            self.for_listing()
            .select_related("lead_photo__source")
            .prefetch_related("tags", related_links_prefetch(), "corrections")
        )


def bylines_prefetch():
    """Ordered bylines with their authors and agencies."""
    return Prefetch(
        "bylines",
        queryset=Byline.objects.select_related("author", "agency").order_by("position", "pk"),
    )


def related_links_prefetch():
    """Ordered "Read more" links, leaving out internal links readers may not see."""
    queryset = (
        RelatedLink.objects.filter(Q(target__isnull=True) | published_q("target__"))
        .select_related("target")
        .order_by("position", "pk")
    )
    return Prefetch("related_links", queryset=queryset)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    headline = models.CharField("headline", max_length=200)
    slug = models.SlugField(
        "slug",
        max_length=200,
        unique=True,
        help_text="The article's web address. Changing it after publication keeps the old "
        "address working through a redirect.",
    )
    standfirst = models.TextField(
        "standfirst",
        blank=True,
        help_text="One or two sentences under the headline that sum the story up.",
    )
    body = models.TextField(
        "body",
        blank=True,
        help_text="Paragraphs, sub-headings (h2, h3), quotes, lists, links and emphasis. "
        "Anything else is removed when saved.",
    )
    section = models.ForeignKey(
        Section, verbose_name="section", on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager("tags", blank=True, help_text="A comma-separated list of tags.")
    status = models.CharField(
        "status", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        db_index=True,
        help_text="When a published article goes live. A future time schedules it.",
    )
    first_published_at = models.DateTimeField(
        "first published",
        null=True,
        blank=True,
        help_text="Shown to readers as the publication time. Set on first publication.",
    )
    last_updated_at = models.DateTimeField(
        "last updated",
        null=True,
        blank=True,
        help_text="Shown to readers as “Updated” when later than the publication time. "
        "Set it when a change matters to readers.",
    )
    lead_photo = models.ForeignKey(
        Photo,
        verbose_name="lead photo",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_articles",
    )
    lead_photo_caption = models.TextField(
        "lead photo caption",
        blank=True,
        help_text="Replaces the photo's default caption in this article only.",
    )
    seo_title = models.CharField(
        "SEO title",
        max_length=70,
        blank=True,
        help_text="Replaces the headline in search results and the browser tab. "
        "Up to about 60 characters.",
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=200,
        blank=True,
        help_text="Replaces the standfirst in search results. Up to about 160 characters.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    modified_at = models.DateTimeField("modified", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="created by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who started the article: a reporter may edit their own drafts.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        # Articles without a publish time (drafts) first, on every database.
        ordering = [models.F("publish_at").desc(nulls_first=True), "-pk"]
        verbose_name = "article"
        verbose_name_plural = "articles"
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="article_published_has_publish_time",
            ),
        ]
        indexes = [
            # Lists walk these in their order (newest first, then newest row), so counting
            # and paging through ids never touch the table or sort, however deep the page.
            models.Index(fields=["status", "-publish_at", "-id"], name="article_status_publish"),
            models.Index(
                fields=["section", "status", "-publish_at", "-id"], name="article_section_publish"
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = html.sanitize(self.body)
        # The first publication time follows the publish time until the article has gone live.
        if self.status == self.Status.PUBLISHED and (
            self.first_published_at is None or self.first_published_at > timezone.now()
        ):
            self.first_published_at = self.publish_at
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.status == self.Status.PUBLISHED:
            if not self.headline.strip():
                errors["headline"] = "A published article needs a headline."
            if self.publish_at is None:
                errors["publish_at"] = "A published article needs a publish time."
            if self.lead_photo_id and not self.lead_photo.alt_text.strip():
                errors["lead_photo"] = (
                    "The lead photo has no alt text. Add it on the photo before publishing."
                )
        if (
            self.first_published_at
            and self.last_updated_at
            and self.last_updated_at < self.first_published_at
        ):
            errors["last_updated_at"] = "The update time cannot be before the first publication."
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self):
        """Whether readers may see this article; agrees with `ArticleQuerySet.published()`."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def published_at(self):
        """The publication time readers see."""
        return self.first_published_at or self.publish_at

    @property
    def updated_at(self):
        """The "Updated" time readers see, or None when there was no later update."""
        published = self.published_at
        if self.last_updated_at and published and self.last_updated_at > published:
            return self.last_updated_at
        return None

    @property
    def lead_caption(self):
        if self.lead_photo_id is None:
            return ""
        return self.lead_photo_caption or self.lead_photo.caption

    @property
    def title_for_search(self):
        return self.seo_title or self.headline

    @property
    def description_for_search(self):
        """SEO description, else standfirst, else the start of the first paragraph."""
        if self.seo_description or self.standfirst:
            return self.seo_description or self.standfirst
        first = next((block for block in self.body_blocks if block.tag == "p"), None)
        return Truncator(unescape(strip_tags(first.html))).chars(160) if first else ""

    @cached_property
    def byline(self):
        """Bylines grouped for display: ("By", [...]), then ("with", [...]) if any."""
        groups = {role: [] for role in Byline.Role}
        for byline in self.bylines.all():
            groups[Byline.Role(byline.role)].append(byline)
        return [(role.label, groups[role]) for role in Byline.Role if groups[role]]

    @cached_property
    def body_blocks(self):
        """The body as top-level blocks, with advertisement slots marked after some of them."""
        return html.blocks_with_ad_slots(
            self.body,
            first_after=settings.NEWSROOM_AD_SLOT_AFTER_PARAGRAPH,
            every=settings.NEWSROOM_AD_SLOT_EVERY,
            min_paragraphs=settings.NEWSROOM_AD_SLOT_MIN_PARAGRAPHS,
        )


class Byline(models.Model):
    """One name in an article's byline: an author or an agency, in order, with a role."""

    class Role(models.TextChoices):
        # The label is the word that introduces the group in the printed byline.
        AUTHOR = "author", "By"
        CONTRIBUTOR = "contributor", "with"

    article = models.ForeignKey(
        Article, verbose_name="article", on_delete=models.CASCADE, related_name="bylines"
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
        # Objects, not ids: in an import the author or agency may not be saved yet.
        if (self.author is None) == (self.agency is None):
            raise ValidationError("Choose an author or an agency, not both.")

    @property
    def name(self):
        if self.author_id:
            return self.author.name
        return self.agency.short_name or self.agency.name

    @property
    def url(self):
        return (self.author or self.agency).get_absolute_url()


class RelatedLink(models.Model):
    """One "Read more" item: another article of ours, or an external page with a title."""

    article = models.ForeignKey(
        Article, verbose_name="article", on_delete=models.CASCADE, related_name="related_links"
    )
    position = models.PositiveSmallIntegerField("position", default=0)
    target = models.ForeignKey(
        Article,
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
        # The target may be an article not saved yet (an import): look at the object, not its id.
        # A link from an article to itself is a rule of the set: services.article_rows_check().
        if self.target is not None and self.url:
            raise ValidationError("Link to an article or to an external address, not both.")
        if self.target is None:
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


class Correction(models.Model):
    """
    A published correction of an article: what was wrong and when it was put right. Corrections
    are only ever added, never edited or removed, so the record readers see stays honest.
    """

    article = models.ForeignKey(
        Article, verbose_name="article", on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField(
        "correction",
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

    class Meta:
        ordering = ["published_at", "pk"]
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
        Article, verbose_name="article", on_delete=models.CASCADE, related_name="revisions"
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
