"""
The last line of defence for what readers' and crawlers' software parses: a page, feed or
sitemap stays well-formed whatever is stored. Text is cleaned at the door (articles.text);
anything older or stranger that reached the database is removed from the output here, once,
before the page cache keeps it.
"""

from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.http import Http404
from django.urls import Resolver404, resolve

from articles import text
from articles.models import Article

_CHECKED_TYPES = (
    "text/html",
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
)


class WellFormedOutputMiddleware:
    """Remove the characters XML 1.0 forbids (and HTML calls errors) from text responses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith(_CHECKED_TYPES)
            and response.content
        ):
            charset = response.charset or "utf-8"
            if charset.lower() in ("utf-8", "utf8") and not text.utf8_has_xml_illegal(
                response.content
            ):
                return response
            try:
                content = response.content.decode(charset)
            except UnicodeDecodeError:
                return response
            cleaned = text.xml_safe(content)
            if cleaned != content:
                response.content = cleaned.encode(charset)
                if response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(response.content))
        return response


class ArticleRedirectFallbackMiddleware(RedirectFallbackMiddleware):
    """
    Old addresses of renamed articles keep working (contrib.redirects), but only to an article
    readers may see: the old address of a story since taken down is a plain 404, and never
    gives away the new address. (The old address itself was public when it was recorded.)
    """

    def process_response(self, request, response):
        redirected = super().process_response(request, response)
        if redirected is response or redirected.status_code not in (301, 302):
            return redirected
        try:
            match = resolve(redirected["Location"])
        except Resolver404:
            return redirected
        if match.view_name != "articles:article-detail":
            return redirected
        if Article.objects.published().filter(slug=match.kwargs.get("slug")).exists():
            return redirected
        return response


class ControlCharactersMiddleware:
    """
    Requests carry no control characters to the database (PostgreSQL refuses NUL outright):
    an address holding one names nothing (404), and they are removed from query strings.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if text.XML_ILLEGAL.search(request.path):
            raise Http404("No page at this address.")
        if text.XML_ILLEGAL.search(request.META.get("QUERY_STRING", "")) or any(
            text.XML_ILLEGAL.search(value) for value in request.GET.values()
        ):
            cleaned = request.GET.copy()
            for key, values in request.GET.lists():
                cleaned.setlist(key, [text.xml_safe(value) for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
