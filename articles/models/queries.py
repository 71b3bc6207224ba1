"""
The one meaning of "published" and "scheduled", and the QuerySet verbs every reader path
starts from. `published_q()` is mirrored row-wise by `Article.is_published`, and
`scheduled_q()` by `Article.is_scheduled`; tests prove each pair agrees.
"""

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Max, Prefetch, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from taggit.models import Tag

from articles import search
from articles.models import search_index
from articles.models.enums import ArticleStatus


def published_q(prefix=""):
    """
    The one definition of "published": status published, publish time not in the future,
    and no embargo still running.
    """
    now = timezone.now()
    return Q(**{f"{prefix}status": ArticleStatus.PUBLISHED, f"{prefix}publish_at__lte": now}) & (
        Q(**{f"{prefix}embargoed_until__isnull": True})
        | Q(**{f"{prefix}embargoed_until__lte": now})
    )


def scheduled_q(prefix=""):
    """
    The one definition of "scheduled": status published, and a publish time or an embargo's
    end still to come.
    """
    now = timezone.now()
    return Q(**{f"{prefix}status": ArticleStatus.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__gt": now}) | Q(**{f"{prefix}embargoed_until__gt": now})
    )


def goes_live_at(prefix=""):
    """An expression of when a published article reaches readers (Article.goes_live_at)."""
    publish_at = F(f"{prefix}publish_at")
    return Greatest(publish_at, Coalesce(F(f"{prefix}embargoed_until"), publish_at))


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
        """Articles readers may see: published, their publish time come, no embargo running."""
        return self.filter(published_q())

    def scheduled(self):
        """Articles that go live by themselves later: at their publish time or embargo's end."""
        return self.filter(scheduled_q())

    def in_section(self, section):
        """Articles filed in the given section."""
        return self.filter(section=section)

    def search(self, query):
        """
        Articles whose headline, standfirst or body hold every word of the query, matched by
        stem ("negotiations" finds "negotiating"), most relevant first (a word in the headline
        counts most, then the standfirst, then the body), then newest. Through the full-text
        index (articles.models.search_index): PostgreSQL's, in SEARCH_CONFIG's language, or
        SQLite's FTS5; other databases look for the words as typed.
        """
        vendor = connection.vendor
        table = search_index.TABLE
        if vendor == "postgresql":
            config = settings.NEWSROOM_SEARCH_CONFIG
            matched = "websearch_to_tsquery(%s::regconfig, %s)"
            return self.extra(
                tables=[table],
                where=[f"{table}.article_id = articles_article.id", f"{table}.vector @@ {matched}"],
                params=[config, query],
                select={"search_rank": f"ts_rank_cd({table}.vector, {matched})"},
                select_params=[config, query],
                order_by=["-search_rank", "-publish_at", "-id"],
            )
        if vendor == "sqlite":
            expression = search.fts5_query(query)
            if expression is None:
                return self.none()
            return self.extra(
                tables=[table],
                # The unary + keeps SQLite from looking up the index once for each article:
                # the index finds its matches once, and each is then found by its id.
                where=[f"+{table}.rowid = articles_article.id", f"{table} MATCH %s"],
                params=[expression],
                # bm25 is smaller for a better match; a headline word weighs ten body words.
                select={"search_rank": f"bm25({table}, 10.0, 4.0, 1.0)"},
                order_by=["search_rank", "-publish_at", "-id"],
            )
        matches = Q()
        for word in search.query_words(query):
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
