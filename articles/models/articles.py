"""Articles with their ordered bylines, "Read more" links, corrections and revisions."""

from html import unescape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from taggit.managers import TaggableManager

from articles import html
from articles.models.enums import ArticleStatus, ArticleType
from articles.models.fields import CleanTextModel, longest
from articles.models.loading import RecordedModel
from articles.models.photos import Photo
from articles.models.queries import ArticleQuerySet
from articles.models.rows import Byline
from articles.models.sections import Section


class Article(CleanTextModel, RecordedModel):
    Status = ArticleStatus
    Type = ArticleType

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
        validators=longest(2_000),
        help_text="One or two sentences under the headline that sum the story up.",
    )
    body = models.TextField(
        "body",
        blank=True,
        validators=longest(1_000_000),
        help_text="Paragraphs, sub-headings (h2, h3), quotes and pull quotes, lists, tables, "
        "links, emphasis, photos from the library and video or social posts (shown to readers "
        "as placeholders until they ask). Anything else is removed when saved.",
    )
    section = models.ForeignKey(
        Section, verbose_name="section", on_delete=models.PROTECT, related_name="articles"
    )
    article_type = models.CharField(
        "type",
        max_length=12,
        choices=Type.choices,
        default=Type.NEWS,
        help_text="Shown as a label on the story and its cards (news has none): opinion is a "
        "writer's view, analysis interprets the news, an explainer gives the background, a "
        "review judges a work. Sponsored content was paid for and must name its sponsor.",
    )
    sponsor = models.CharField(
        "sponsor",
        max_length=120,
        blank=True,
        help_text="Who paid for a sponsored story, shown to readers with it. Example: Acme Bank.",
    )
    live_ended_at = models.DateTimeField(
        "live coverage ended",
        null=True,
        blank=True,
        help_text="For a live blog: when its coverage ended. Readers are told it is over, and "
        "their pages stop looking for new updates.",
    )
    dateline = models.CharField(
        "dateline",
        max_length=100,
        blank=True,
        help_text="Where the story was reported from, printed before its first paragraph. "
        "Example: KYIV.",
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
    embargoed_until = models.DateTimeField(
        "embargoed until",
        null=True,
        blank=True,
        db_index=True,
        help_text="Until this time the story is hidden from readers and partners everywhere, "
        "whatever its status and publish time. Only lifting the embargo brings it forward.",
    )
    embargo_note = models.CharField(
        "embargo note",
        max_length=300,
        blank=True,
        help_text="Whose embargo it is and on what terms (the agency, the source, the journal).",
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
        validators=longest(5_000),
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

    import_fingerprint = models.CharField(
        "import fingerprint",
        max_length=64,
        blank=True,
        editable=False,
        help_text="The digest of the fixture record this article was last imported from, while "
        "nothing else has changed it since: importing that record again needs no work.",
    )

    external_id = models.CharField(
        "external ID",
        max_length=500,
        blank=True,
        help_text="The supplier's identifier for this story (a ninjs uri or guid): a newer "
        "version of it updates this article.",
    )
    external_version = models.CharField(
        "external version",
        max_length=100,
        blank=True,
        editable=False,
        help_text="The supplier's version of the story last imported (its time and number).",
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
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="article_unique_external_id",
            ),
        ]
        indexes = [
            # Lists walk these in their order (newest first, then newest row), so counting
            # and paging through ids never touch the table or sort, however deep the page.
            models.Index(fields=["status", "-publish_at", "-id"], name="article_status_publish"),
            models.Index(
                fields=["section", "status", "-publish_at", "-id"], name="article_section_publish"
            ),
            # Partners poll for what changed since a moment (articles.api).
            models.Index(fields=["modified_at"], name="article_modified"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article-detail", kwargs={"slug": self.slug})

    # The body as set_body() last sanitised it: derive() need not sanitise it again.
    _sanitized_body = None

    def set_body(self, value):
        """Set the body to `value` with everything an article may not hold removed."""
        self.body = self._sanitized_body = html.sanitize(value)

    def derive(self):
        """
        Set what follows from this row's own fields: the sanitised body, and the first
        publication time, which follows the publish time until the article has gone live.
        save() calls it; so does the write path before writes that bypass save().
        """
        if self.body != self._sanitized_body:
            self.set_body(self.body)
        if self.status == self.Status.PUBLISHED and (
            self.first_published_at is None or self.first_published_at > timezone.now()
        ):
            self.first_published_at = self.goes_live_at

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
        if self.article_type == self.Type.SPONSORED and not self.sponsor.strip():
            errors["sponsor"] = "Sponsored content must say who paid for it."
        if self.live_ended_at is not None and self.article_type != self.Type.LIVE:
            errors["live_ended_at"] = "Only a live blog has live coverage to end."
        if self.sponsor.strip() and self.article_type != self.Type.SPONSORED:
            errors["sponsor"] = "Only sponsored content has a sponsor: choose that type."
        if self.embargo_note.strip() and self.embargoed_until is None:
            errors["embargo_note"] = "An embargo note needs an embargo time."
        if (
            self.first_published_at
            and self.last_updated_at
            and self.last_updated_at < self.first_published_at
        ):
            errors["last_updated_at"] = "The update time cannot be before the first publication."
        if errors:
            raise ValidationError(errors)

    @property
    def label(self):
        """The type readers see over the headline; "" for news, which needs none."""
        if self.article_type == self.Type.LIVE and self.live_ended_at is not None:
            return "Live blog"
        return "" if self.article_type == self.Type.NEWS else self.get_article_type_display()

    @property
    def is_live(self):
        """Whether this is a live blog whose coverage goes on: readers' pages look for updates."""
        return self.article_type == self.Type.LIVE and self.live_ended_at is None

    @property
    def goes_live_at(self):
        """
        When a published article reaches readers: its publish time, or the end of its
        embargo when that is later. None without a publish time.
        """
        if self.publish_at is None:
            return None
        if self.embargoed_until is not None and self.embargoed_until > self.publish_at:
            return self.embargoed_until
        return self.publish_at

    @property
    def is_embargoed(self):
        """Whether an embargo still hides this article, whatever its status."""
        return self.embargoed_until is not None and self.embargoed_until > timezone.now()

    @property
    def is_published(self):
        """Whether readers may see this article; agrees with `ArticleQuerySet.published()`."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.goes_live_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        """Whether this article goes live by itself later; agrees with `.scheduled()`."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.goes_live_at > timezone.now()
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

    def body_photos(self):
        """
        The library photos the body shows inline, by number: one query for all of them, none
        when it shows none. A number no photo has (one deleted since) is left out.
        """
        ids = {block.photo_id for block in self.body_blocks if block.photo_id}
        return Photo.objects.in_bulk(ids) if ids else {}
