"""The home page and the lists of articles: by section, author, agency, tag and date."""

from django.db.models import Case, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.views import generic
from django.views.generic import ListView, TemplateView

from articles import caching
from articles.models import Agency, Article, Author, FrontArrangement, Section, public_tags
from articles.models.fronts import front_key, pinned_ids
from articles.models.loading import loads_recorded
from articles.permissions import can_arrange_fronts
from articles.views.listing import PublishedArticlesMixin, kept_by_slug

HOME_ARTICLE_COUNT = 40
HOME_ARTICLES_PER_SECTION = 4
# What the home page's rails show of a section, and sort them by.
HOME_SECTION_FIELDS = ("id", "name", "slug", "order")


def never_seen_by_others(response):
    """A staff preview of a front: never kept by any cache, never indexed."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"


class HomeView(PublishedArticlesMixin, TemplateView):
    """
    The lead story, the top stories, then a rail per section: the stories editors pinned to
    the home page first (articles.models.fronts), the rest by recency.
    """

    template_name = "articles/home.html"

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("front_preview") is not None:
            never_seen_by_others(response)
        return response

    def get_context_data(self, **kwargs):
        arrangement = front_preview(self.request, section=None)
        if arrangement is not None:
            (lead, rails), _, _ = self.front(arrangement_id=arrangement.pk)
            return super().get_context_data(
                lead=lead, rails=rails, front_preview=arrangement, **kwargs
            )
        self.shows_lists(caching.ALL_ARTICLES, front_key())
        # Which stories the page shows, and where, is kept until the list of all articles
        # or the home page's arrangement changes; the cards are kept built on their own.
        name = caching.fragment_name("home")
        lead, rails = caching.fragments([name], lambda stale: {name: self.front()})[name]
        return super().get_context_data(lead=lead, rails=rails, **kwargs)

    def front(self, arrangement_id=None):
        """
        The lead story's id, and the groups of cards under it (the top stories, if any, then a
        rail per section: what, its stories' ids), and what they show.
        """
        pinned = pinned_ids(arrangement_id=arrangement_id)
        listed = list(
            Article.objects.published()
            .exclude(pk__in=pinned)
            .latest_first()
            .values_list("pk", "section_id")[:HOME_ARTICLE_COUNT]
        )
        with loads_recorded() as loaded:
            sections = Section.objects.only(*HOME_SECTION_FIELDS).in_bulk(
                {section_id for _, section_id in listed}
            )
        if pinned:
            lead, top, rest = pinned[0], pinned[1:], listed
        else:
            lead, top, rest = (listed[0][0], [], listed[1:]) if listed else (None, [], [])
        by_section = {}
        for article_id, section_id in rest:
            by_section.setdefault(sections[section_id], []).append(article_id)
        rails = [
            (
                {"name": section.name, "slug": section.slug, "url": section.get_absolute_url()},
                section_articles[:HOME_ARTICLES_PER_SECTION],
            )
            for section, section_articles in sorted(
                by_section.items(), key=lambda item: (item[0].order, item[0].name)
            )
        ]
        # The top stories are built with the rails' cards: the same kind of card, together.
        groups = [({"top": True}, top), *rails] if top else rails
        return (lead, groups), loaded, [caching.ALL_ARTICLES, front_key()]


def front_preview(request, *, section):
    """
    The arrangement of this front that a staff member who arranges fronts asked to see
    (`?front=<id>`), before it takes effect or after; None for anyone else.
    """
    wanted = request.GET.get("front")
    # For anyone else the parameter means nothing: the front in effect, as from the cache.
    if wanted is None or not (request.user.is_staff and can_arrange_fronts(request.user)):
        return None
    if not wanted.isdigit():
        raise Http404("No such arrangement of this front.")
    found = FrontArrangement.objects.of_front(section.pk if section else None).filter(pk=wanted)
    arrangement = found.select_related("section").first()
    if arrangement is None:
        raise Http404("No such arrangement of this front.")
    return arrangement


class SectionDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/section_detail.html"
    list_of = "section"

    def get_queryset(self):
        self.section = kept_by_slug(Section.objects.all(), self.kwargs["slug"])
        self.preview = front_preview(self.request, section=self.section)
        articles = self.get_articles().in_section(self.section)
        if self.preview is not None:
            return pinned_first(articles, pinned_ids(arrangement_id=self.preview.pk))
        key, front = caching.list_key_of(self.section), front_key(self.section.pk)
        self.shows_lists(key, front, name=(key,))
        name = caching.fragment_name("pinned", self.section.pk)
        # Kept until the arrangement changes or a story goes in or out of print anywhere (a
        # pinned story may be another section's): broader than the page, which shows only
        # its own list and front, and the cards of the stories it shows.
        pinned = caching.fragments(
            [name],
            lambda stale: {name: (pinned_ids(self.section.pk), (), (front, caching.ALL_ARTICLES))},
            recorded=False,
        )[name]
        return pinned_first(articles, pinned)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section, current_section=self.section, **kwargs
        )

    def notices(self):
        notice = render_to_string(
            "articles/includes/front_preview.html", {"arrangement": self.preview}
        )
        return {"front_notice": mark_safe(notice)}

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.preview is not None:
            never_seen_by_others(response)
        return response


def pinned_first(articles, pinned):
    """`articles` with the `pinned` ids first, in their order, then the rest newest first."""
    if not pinned:
        return articles
    rank = Case(
        *(When(pk=pk, then=Value(position)) for position, pk in enumerate(pinned)),
        default=Value(len(pinned)),
    )
    return articles.alias(pin=rank).order_by("pin", "-publish_at", "-pk")


class AuthorDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/author_detail.html"
    list_of = "author"
    list_heading_level = 3

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.select_related("portrait"), slug=self.kwargs["slug"]
        )
        key = caching.list_key_of(self.author)
        self.shows_lists(key, name=(key,))
        return self.get_articles().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class AgencyDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/agency_detail.html"
    list_of = "agency"
    list_heading_level = 3

    def get_queryset(self):
        self.agency = get_object_or_404(Agency, slug=self.kwargs["slug"])
        key = caching.list_key_of(self.agency)
        self.shows_lists(key, name=(key,))
        return self.get_articles().filter(bylines__agency=self.agency)

    def get_context_data(self, **kwargs):
        return super().get_context_data(agency=self.agency, **kwargs)


class TagDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/tag_detail.html"
    list_of = "tag"

    def list_address(self, subject):
        return reverse("articles:tag-detail", kwargs={"slug": subject.slug})

    def get_queryset(self):
        self.tag = get_object_or_404(public_tags(), slug=self.kwargs["slug"])
        key = caching.list_key_of(self.tag)
        self.shows_lists(key, name=(key,))
        return self.get_articles().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArchiveMixin(PublishedArticlesMixin):
    """Date-based lists of published articles, by publish time."""

    date_field = "publish_at"
    allow_empty = False

    def get_queryset(self):
        period = ("archive", self.kwargs.get("year"), self.kwargs.get("month"))
        self.shows_lists(caching.ALL_ARTICLES, name=period)
        return self.get_articles()


class ArchiveView(ArchiveMixin, generic.ArchiveIndexView):
    """Every month with published articles, newest first; the months link to their lists."""

    template_name = "articles/archive.html"
    date_list_period = "month"
    paginate_by = None
    # The page lists months, not articles: allow_empty=False would load every article to check.
    allow_empty = True


class YearArchiveView(ArchiveMixin, generic.YearArchiveView):
    template_name = "articles/archive_year.html"
    make_object_list = True


class MonthArchiveView(ArchiveMixin, generic.MonthArchiveView):
    template_name = "articles/archive_month.html"
    month_format = "%m"
