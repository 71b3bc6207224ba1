"""The home page and the lists of articles: by section, author, agency, tag and date."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import generic
from django.views.generic import ListView, TemplateView

from articles import caching
from articles.models import Agency, Article, Author, Section, public_tags
from articles.models.loading import loads_recorded
from articles.views.listing import PublishedArticlesMixin, kept_by_slug

HOME_ARTICLE_COUNT = 40
HOME_ARTICLES_PER_SECTION = 4
# What the home page's rails show of a section, and sort them by.
HOME_SECTION_FIELDS = ("id", "name", "slug", "order")


class HomeView(PublishedArticlesMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        self.shows_lists(caching.ALL_ARTICLES)
        # Which stories the page shows, and where, is kept until the list of all articles
        # changes; the cards are kept built on their own.
        name = caching.fragment_name("home")
        lead, rails = caching.fragments([name], lambda stale: {name: self.front()})[name]
        return super().get_context_data(lead=lead, rails=rails, **kwargs)

    def front(self):
        """The lead story's id, the rails (a section, its stories' ids), and what they show."""
        listed = list(
            Article.objects.published()
            .latest_first()
            .values_list("pk", "section_id")[:HOME_ARTICLE_COUNT]
        )
        with loads_recorded() as loaded:
            sections = Section.objects.only(*HOME_SECTION_FIELDS).in_bulk(
                {section_id for _, section_id in listed}
            )
        lead, rest = (listed[0][0], listed[1:]) if listed else (None, [])
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
        return (lead, rails), loaded, [caching.ALL_ARTICLES]


class SectionDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/section_detail.html"
    list_of = "section"

    def get_queryset(self):
        self.section = kept_by_slug(Section.objects.all(), self.kwargs["slug"])
        key = caching.list_key_of(self.section)
        self.shows_lists(key, name=(key,))
        return self.get_articles().in_section(self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section, current_section=self.section, **kwargs
        )


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
