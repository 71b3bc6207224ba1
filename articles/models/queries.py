"""
The one meaning of "published" and "scheduled", and the QuerySet verbs every reader path
starts from. `published_q()` is mirrored row-wise by `Article.is_published`, and
`scheduled_q()` by `Article.is_scheduled`; tests prove each pair agrees.
"""

from django.conf import settings
from django.db import connection, models
from django.db.models import Max, Prefetch, Q
from django.utils import timezone
from taggit.models import Tag

from articles.models.enums import ArticleStatus

# More words than this in a search add nothing but work for the database.
SEARCH_MAX_WORDS = 10


def published_q(prefix=""):
    """The one definition of "published": status published and publish time not in the future."""
    return Q(
        **{f"{prefix}status": ArticleStatus.PUBLISHED, f"{prefix}publish_at__lte": timezone.now()}
    )


def scheduled_q(prefix=""):
    """The one definition of "scheduled": status published and publish time still to come."""
    return Q(
        **{f"{prefix}status": ArticleStatus.PUBLISHED, f"{prefix}publish_at__gt": timezone.now()}
    )


def public_tags():
    """
    Tags readers may see: those of at least one published article, each with the publish time
    of its latest (`last_published_at`). A tag used only on unpublished articles could give a
    story away.
    """
    return Tag.objects.annotate(
        last_published_at=Max("article__publish_at", filter=published_q("article__"))
    ).filter(last_published_at__isnull=False)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, with a publish time that has come."""
        return self.filter(published_q())

    def scheduled(self):
        """Articles that go live by themselves at a publish time still to come."""
        return self.filter(scheduled_q())

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
        return self.select_related("section", "lead_photo").prefetch_related(
            self.bylines_prefetch()
        )

    def for_detail(self):
        """What the article page shows: a listing plus tags and "Read more" links."""
        return (
            self.for_listing()
            .select_related("lead_photo__source")
            .prefetch_related("tags", self.related_links_prefetch(), "corrections")
        )

    def with_rows(self):
        """Articles with everything a revision keeps: section, photo, rows in order, tags."""
        rows = self.model._meta.get_field("related_links").related_model.objects
        return self.select_related("section", "lead_photo").prefetch_related(
            self.bylines_prefetch(),
            Prefetch("related_links", queryset=rows.select_related("target")),
            "tags",
        )

    def bylines_prefetch(self):
        """Ordered bylines with their authors and agencies."""
        bylines = self.model._meta.get_field("bylines").related_model.objects
        return Prefetch("bylines", queryset=bylines.select_related("author", "agency"))

    def related_links_prefetch(self):
        """Ordered "Read more" links, leaving out internal links readers may not see."""
        links = self.model._meta.get_field("related_links").related_model.objects
        return Prefetch(
            "related_links",
            queryset=links.filter(Q(target__isnull=True) | published_q("target__")).select_related(
                "target"
            ),
        )
