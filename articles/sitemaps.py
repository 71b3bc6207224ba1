"""Sitemaps of what readers may see, under one index, and a Google News sitemap."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import F, Max
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from articles.models import Agency, Article, Author, Section, public_tags, published_q
from newsroom.site import absolute_url, site_host

# Google News reads articles of the last two days, at most a thousand per sitemap.
NEWS_WINDOW = timedelta(days=2)
NEWS_MAX_ARTICLES = 1000

# Article.published_at, and when readers last saw a story change (Article.updated_at or
# Article.published_at), computed by the database.
PUBLISHED_AT = Coalesce("first_published_at", "publish_at")
LASTMOD_AT = Greatest(PUBLISHED_AT, Coalesce("last_updated_at", PUBLISHED_AT))


class RequestSitemap(Sitemap):
    """A sitemap with addresses on the host the request came to, as canonical links have."""

    # Well under the 50,000 addresses a sitemap may hold: each page is one query and response.
    limit = 5000

    def __init__(self, request):
        self.request = request
        # The configured public address's scheme, else the request's (Django's default).
        self.protocol = urlsplit(settings.NEWSROOM_SITE_URL).scheme or None

    def get_domain(self, site=None):
        # Not the contrib.sites domain, which this site does not keep up to date.
        return site_host(self.request)

    def lastmod(self, item):
        return item.lastmod_at

    def get_latest_lastmod(self):
        """The index shows no date for this sitemap unless a subclass can give one cheaply."""
        return None


class PageSitemap(RequestSitemap):
    """Pages that are not a model's: the home page."""

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return None


class ArticleSitemap(RequestSitemap):
    """Every published article, oldest first so that earlier pages stay as they were."""

    def items(self):
        return (
            Article.objects.published()
            .annotate(lastmod_at=LASTMOD_AT)
            .only("slug")
            .order_by("publish_at", "pk")
        )

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max(LASTMOD_AT))["latest"]


class SectionSitemap(RequestSitemap):
    """Every section, dated by its latest published article."""

    def items(self):
        return Section.objects.annotate(
            lastmod_at=Max("articles__publish_at", filter=published_q("articles__"))
        ).order_by("order", "name")


class BylineSitemap(RequestSitemap):
    """Authors or agencies with a byline on a published article, dated by the latest of them."""

    model = None

    def items(self):
        return (
            self.model.objects.annotate(
                lastmod_at=Max(
                    "bylines__article__publish_at", filter=published_q("bylines__article__")
                )
            )
            .filter(lastmod_at__isnull=False)
            .order_by("slug")
        )


class AuthorSitemap(BylineSitemap):
    model = Author


class AgencySitemap(BylineSitemap):
    model = Agency


class TagSitemap(RequestSitemap):
    """Tags of published articles, dated by the latest of them; other tags are not public."""

    def items(self):
        return (
            public_tags()
            .exclude(slug="")
            .annotate(lastmod_at=F("last_published_at"))
            .order_by("slug")
        )

    def location(self, tag):
        return reverse("articles:tag-detail", kwargs={"slug": tag.slug})


class NewsSitemap(RequestSitemap):
    """Articles first published in the last two days, newest first, for Google News."""

    def items(self):
        return (
            Article.objects.published()
            .alias(published=PUBLISHED_AT)
            .filter(published__gte=timezone.now() - NEWS_WINDOW)
            .only("headline", "slug", "first_published_at", "publish_at")
            .order_by("-published", "-pk")[:NEWS_MAX_ARTICLES]
        )

    def lastmod(self, article):
        return None


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "agencies": AgencySitemap,
    "tags": TagSitemap,
}


def news_language(language_code):
    """The ISO 639 code Google News wants for a Django language code: "en-gb" gives "en"."""
    code = language_code.lower()
    # Google's one exception: Chinese is zh-cn (simplified) or zh-tw (traditional).
    chinese = {"zh-hans": "zh-cn", "zh-cn": "zh-cn", "zh-hant": "zh-tw", "zh-tw": "zh-tw"}
    return chinese.get(code, code.split("-")[0])


@sitemap_views.x_robots_tag
def sitemap_index(request):
    """The index of every page of every sitemap, on the host the request came to."""
    # contrib's index view would take the host from contrib.sites; the rest is the same.
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class(request)
        url = absolute_url(reverse("sitemap-section", kwargs={"section": name}), request)
        lastmod = sitemap.get_latest_lastmod()
        pages = [url] + [f"{url}?p={page}" for page in range(2, sitemap.paginator.num_pages + 1)]
        entries += [sitemap_views.SitemapIndexItem(page, lastmod) for page in pages]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


def sitemap_section(request, section):
    """One sitemap of the index, a page at a time (?p=2)."""
    if section not in SITEMAPS:
        raise Http404(f"No sitemap named {section!r}.")
    return sitemap_views.sitemap(request, {section: SITEMAPS[section](request)}, section=section)


def news_sitemap(request):
    """The Google News sitemap: articles of the last two days with the publication's name."""
    response = sitemap_views.sitemap(
        request, {"news": NewsSitemap(request)}, template_name="sitemaps/news.xml"
    )
    response.context_data["publication"] = {
        "name": settings.NEWSROOM_SITE_NAME,
        "language": news_language(settings.LANGUAGE_CODE),
    }
    return response


# All but the admin is open to crawlers; the file names both sitemaps.
robots_txt = TemplateView.as_view(template_name="robots.txt", content_type="text/plain")
