"""
Whole pages cached for anonymous readers, and made stale by any change readers could see.

Every cached page is stored under the current content version. Saving or deleting anything
that appears on a page (an article, its photo, byline, related link, section, tag, author or
agency) sets a new version, so the next reader gets a freshly built page: no reader sees a
stale story after an edit. Scheduled articles need no job either: no page is kept past the
next scheduled publication time.

The version lives in the configured cache, so every server process must share it: with more
than one process, use a shared CACHE_URL (Redis), not the local-memory default.
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import http_date

VERSION_KEY = "newsroom:content-version"
# Query strings that only pick a page of a list (or of a sitemap). A page is cached only when
# its view really served that page, so made-up addresses (search queries, ?page=junk, a page
# number on an article) cannot fill the cache.
CACHEABLE_PARAMETERS = {"page", "p"}
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")
CACHEABLE_CONTENT_TYPES = (
    "text/html",
    "text/plain",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
)


def content_version():
    """
    The current content version: the time of the last change, in nanoseconds; None when the
    cache cannot keep one (it is down), and pages are then neither served from it nor stored.
    """
    version = cache.get(VERSION_KEY)
    if version is None:
        # Unknown (a cleared cache): start a new one, so nothing cached before can be served.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def content_changed():
    """Make every cached page stale, now and again when the current transaction commits."""
    _new_version()
    # A reader may rebuild and store the old content between now and the commit.
    transaction.on_commit(_new_version)


def _new_version():
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def seconds_until_next_publication(version, now):
    """Seconds until the next scheduled article goes live (None if there is none)."""
    from articles.models import Article

    key = f"newsroom:next-publication:{version}"
    next_at = cache.get(key)
    if next_at is None or (next_at and next_at <= now.timestamp()):
        upcoming = (
            Article.objects.scheduled()
            .order_by("publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )
        next_at = upcoming.timestamp() if upcoming else 0
        cache.set(key, next_at, timeout=settings.NEWSROOM_PAGE_CACHE_SECONDS or None)
    return next_at - now.timestamp() if next_at else None


class PageCacheMiddleware:
    """
    Serve anonymous GET and HEAD requests from the page cache, and store what they were sent.
    Anonymous responses say who may keep them and since when they are valid (Last-Modified,
    so conditional requests get a 304 from ConditionalGetMiddleware); logged-in users' pages
    are never cached, here or by the browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self.get_response(request)
            add_never_cache_headers(response)
            return response
        if not self.cacheable_request(request):
            return self.get_response(request)

        version = content_version()
        if version is None:
            return self.get_response(request)
        # Hashed: any cache backend takes the key, however long the address (memcached: 250).
        address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        key = f"newsroom:page:{version}:{address}"
        entry = cache.get(key)
        if entry is not None:
            return self.response_from(entry)

        response = self.get_response(request)
        if self.cacheable_response(request, response):
            self.add_public_headers(response, version)
            timeout = self.timeout(version)
            if timeout:
                cache.set(key, self.entry_from(response), timeout=timeout)
        return response

    def cacheable_request(self, request):
        return (
            settings.NEWSROOM_PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and set(request.GET) <= CACHEABLE_PARAMETERS
            and all(
                len(values) == 1 and PAGE_NUMBER.fullmatch(values[0])
                for _, values in request.GET.lists()
            )
        )

    def cacheable_response(self, request, response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and self.served_the_page_asked_for(request, response)
            and not response.streaming
            and not response.cookies
            and response.get("Content-Type", "").startswith(CACHEABLE_CONTENT_TYPES)
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        )

    def served_the_page_asked_for(self, request, response):
        """Whether a page number in the address picked what the view sent (?page, sitemap ?p)."""
        context = getattr(response, "context_data", None) or {}
        if "page" in request.GET:
            page = context.get("page_obj")
            if page is None or str(page.number) != request.GET["page"]:
                return False
        # Sitemaps answer a page that does not exist with a 404.
        return "p" not in request.GET or "urlset" in context

    def add_public_headers(self, response, version):
        if "max-age" not in response.get("Cache-Control", ""):
            # Browsers check back on every visit (a 304 is cheap): no stale page is kept.
            patch_cache_control(
                response, public=True, max_age=settings.NEWSROOM_BROWSER_CACHE_SECONDS
            )
            if settings.NEWSROOM_BROWSER_CACHE_SECONDS == 0:
                patch_cache_control(response, must_revalidate=True)
        # The page is as new as the moment it was built: every change since (an edit, a
        # scheduled story going live) makes a new one. HTTP dates count whole seconds, so a page
        # built in the second of the last edit gets none, and is revalidated by its ETag alone.
        built = time.time()
        if built - version / 1_000_000_000 >= 1:
            response.setdefault("Last-Modified", http_date(built))

    def timeout(self, version):
        timeout = settings.NEWSROOM_PAGE_CACHE_SECONDS
        until_publication = seconds_until_next_publication(version, timezone.now())
        if until_publication is not None:
            timeout = min(timeout, int(until_publication))
        return max(timeout, 0)

    def entry_from(self, response):
        return (response.status_code, list(response.items()), response.content)

    def response_from(self, entry):
        status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
