from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import generic
from django.views.generic import DetailView, ListView, TemplateView

from articles import caching, metadata, search
from articles.models import Agency, Article, Author, Section, public_tags

HOME_ARTICLE_COUNT = 40
HOME_ARTICLES_PER_SECTION = 4
SEARCH_MAX_LENGTH = 200


class ListingPaginator(Paginator):
    """
    Pages of article cards found by id first: the offset walks a listing index alone (no
    table rows, no sort), and only the page's rows are then fetched, by primary key, with
    what cards show. Deep pages stay nearly as fast as the first.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = Article.objects.for_listing().in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids], number, self)


class PublishedArticlesMixin:
    """Lists start from published articles, newest first, ready for cards, paginated."""

    paginate_by = settings.NEWSROOM_ARTICLES_PER_PAGE
    paginator_class = ListingPaginator

    def get_articles(self):
        return Article.objects.published().for_listing().latest_first()

    def shows_lists(self, *keys):
        """The lists of articles this page shows (articles.caching.keys)."""
        caching.page_shows_lists(self.request, *(keys or [caching.ALL_ARTICLES]))


class HomeView(PublishedArticlesMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        self.shows_lists(caching.ALL_ARTICLES)
        articles = list(self.get_articles()[:HOME_ARTICLE_COUNT])
        lead, rest = (articles[0], articles[1:]) if articles else (None, [])
        by_section = {}
        for article in rest:
            by_section.setdefault(article.section, []).append(article)
        rails = [
            (section, section_articles[:HOME_ARTICLES_PER_SECTION])
            for section, section_articles in sorted(
                by_section.items(), key=lambda item: (item[0].order, item[0].name)
            )
        ]
        return super().get_context_data(lead=lead, rails=rails, **kwargs)


class SectionDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/section_detail.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        self.shows_lists(caching.list_key_of(self.section))
        return self.get_articles().in_section(self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section, current_section=self.section, **kwargs
        )


class AuthorDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.select_related("portrait"), slug=self.kwargs["slug"]
        )
        self.shows_lists(caching.list_key_of(self.author))
        return self.get_articles().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class AgencyDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/agency_detail.html"

    def get_queryset(self):
        self.agency = get_object_or_404(Agency, slug=self.kwargs["slug"])
        self.shows_lists(caching.list_key_of(self.agency))
        return self.get_articles().filter(bylines__agency=self.agency)

    def get_context_data(self, **kwargs):
        return super().get_context_data(agency=self.agency, **kwargs)


class TagDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(public_tags(), slug=self.kwargs["slug"])
        self.shows_lists(caching.list_key_of(self.tag))
        return self.get_articles().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArchiveMixin(PublishedArticlesMixin):
    """Date-based lists of published articles, by publish time."""

    date_field = "publish_at"
    allow_empty = False

    def get_queryset(self):
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


class SearchView(PublishedArticlesMixin, ListView):
    """Published articles matching every word of the query, in headline, standfirst or body."""

    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = " ".join(self.request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
        if not self.query:
            return Article.objects.none()
        return self.get_articles().search(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        # Where each story on this page says what was looked for, the words marked.
        for article in context["object_list"]:
            article.search_snippet = search.snippet(
                search.plain_text(article.body),
                self.query,
                language=settings.NEWSROOM_SEARCH_CONFIG,
            )
        return context


class ArticleDetailView(DetailView):
    """The article page; staff also see unpublished articles, as a never-cached preview."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # Readers look among published articles only: a hidden article and a missing one are
        # the same one query finding nothing, the same 404, in the same time.
        articles = Article.objects.for_detail()
        return articles if self.may_preview() else articles.published()

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            raise Http404("No published article at this address.") from None

    def may_preview(self):
        user = self.request.user
        return user.is_active and user.is_staff and user.has_perm("articles.view_article")

    def get_context_data(self, **kwargs):
        article, request = self.object, self.request
        # The article and what it links to, all recorded as loaded; no list of articles.
        caching.page_shows_lists(request)
        trail = [
            (settings.NEWSROOM_SITE_NAME, reverse("articles:home")),
            (article.section.name, article.section.get_absolute_url()),
            (article.headline, article.get_absolute_url()),
        ]
        return super().get_context_data(
            is_preview=not article.is_published,
            open_graph=metadata.article_open_graph(request, article),
            json_ld=[
                metadata.article_json_ld(request, article),
                metadata.breadcrumbs_json_ld(request, trail),
            ],
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response
