"""
Whole pages cached for anonymous readers, each knowing what it shows: its keys
(articles.caching.keys), recorded as the page is built from the content rows it loaded and
the lists its view says it shows. A committed change makes stale exactly the pages showing
what it changed (articles.caching.versions), in this cache and, through the keys each
response carries (Surrogate-Key, xkey), in front caches (articles.caching.front).

Scheduled articles need no job: no page is kept, here or in a front cache, past the next
scheduled publication. Each response says whether it came from this cache: X-Cache.
"""

import time
from contextlib import nullcontext

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date, parse_http_date_safe

from articles.caching import address, store, versions
from articles.caching import keys as page_keys
from articles.caching.publication import seconds_until_next_publication
from articles.models.loading import loads_recorded
from newsroom import db_router

CACHEABLE_CONTENT_TYPES = (
    "text/html",
    "text/plain",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
)


def page_shows_lists(request, *keys: str) -> None:
    """
    Say which lists of articles the page being built shows (page_keys.list_key(), or
    ALL_ARTICLES), none for a page that shows no list. A page that says nothing is taken to
    show every list: it is made stale by any article entering or leaving one.
    """
    lists = getattr(request, "_newsroom_lists", None)
    if lists is None:
        lists = request._newsroom_lists = set()
    lists.update(keys)


def kept_page(meta) -> tuple[int, tuple, bytes] | None:
    """
    The page kept for the request of this environ (request.META) and still fresh, as
    (status, headers, content); None when there is none, or the request may not be answered
    from the cache.
    """
    name = address.kept_name(meta)
    if name is None:
        return None
    found, reading = versions.read_with([name])
    return _fresh_page(found.get(name), reading)


def _fresh_page(entry, reading):
    if entry is None:
        return None
    status, headers, content, keys, built_at = entry
    return (status, headers, content) if versions.is_fresh(keys, built_at, reading) else None


def _readers_database(reading):
    """
    A reader's page may read from a replica, unless the site changed too recently for every
    replica to have the change (REPLICA_LAG_SECONDS): it would be kept as fresh.
    """
    if versions.unchanged_for(reading) >= settings.NEWSROOM_REPLICA_LAG_SECONDS:
        return db_router.replica_reads()
    return nullcontext()


def _never_cached_for_users(request, response):
    """A signed-in user's page is kept by no cache, the browser's included: True for one."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        add_never_cache_headers(response)
        return True
    return False


class PageCacheMiddleware:
    """
    Serve anonymous GET and HEAD requests from the page cache, and store what they were sent,
    with the keys of what it shows. Anonymous responses say who may keep them, for how long
    (browsers and shared caches apart) and since when they are valid (Last-Modified), and a
    reader who has the page already gets a 304; logged-in users' pages are never cached, here
    or by the browser.

    First in the stack: a page kept is the response every other middleware made (security
    headers, the content security policy, its ETag), so a hit needs none of them. Readers are
    told from users by their session cookie, which only signing in gives.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not address.cacheable(request.META):
            response = self.get_response(request)
            _never_cached_for_users(request, response)
            response.setdefault("X-Cache", "MISS")
            return response

        name = address.page_name(request.META)
        keeping = settings.NEWSROOM_PAGE_CACHE_SECONDS > 0
        found, reading = versions.read_with([name] if keeping else [])
        kept = _fresh_page(found.get(name), reading)
        if kept is not None:
            response = self.response_from(*kept)
            response["X-Cache"] = "HIT"
            return self.conditional(request, response)

        # Read before the database is: whatever commits after this makes the page stale.
        built_at = reading if reading is not None else versions.clock()
        with versions.reading_held(built_at), _readers_database(built_at):
            response = self.built(request, name, built_at, keeping)
        response.setdefault("X-Cache", "MISS")
        return response

    def built(self, request, name, built_at, keeping):
        """The page built for this request, kept when it may be and told what it shows."""
        with loads_recorded() as loaded:
            response = self.get_response(request)
        if _never_cached_for_users(request, response) or not self.cacheable_response(
            request, response
        ):
            return response
        keys = tuple(sorted(self.page_keys(request, loaded)))
        fresh, changed_at = versions.still_fresh(keys, built_at) if built_at else (False, 0)
        # No page is kept past the next scheduled publication, here or elsewhere.
        until = seconds_until_next_publication(timezone.now())
        until = None if until is None else max(int(until), 0)
        self.add_public_headers(response, keys, changed_at, until)
        timeout = _capped(settings.NEWSROOM_PAGE_CACHE_SECONDS, until)
        if fresh and timeout and keeping:
            entry = (response.status_code, tuple(response.items()), response.content)
            store.set(name, (*entry, keys, built_at), timeout=timeout)
        response["X-Cache"] = "MISS"
        return self.conditional(request, response)

    def conditional(self, request, response):
        """A 304 Not Modified for a reader whose copy is still this page (GET only)."""
        if request.method != "GET":
            return response
        last_modified = response.get("Last-Modified")
        answer = get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=last_modified and parse_http_date_safe(last_modified),
            response=response,
        )
        if answer is not response:
            answer["X-Cache"] = response["X-Cache"]
        return answer

    def page_keys(self, request, loaded):
        lists = getattr(request, "_newsroom_lists", None)
        if lists is None:
            lists = {page_keys.ALL_ARTICLES}
        return {page_keys.NAVIGATION, *lists, *page_keys.loaded_keys(loaded)}

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

    def add_public_headers(self, response, keys, changed_at, until):
        if "max-age" not in response.get("Cache-Control", ""):
            # Browsers check back on every visit (a 304 is cheap) unless told to keep pages a
            # while: they get no purge. Shared caches get their own lifetime (s-maxage), for
            # front caches that are purged by key (articles.caching.front), and may serve a
            # stale page while fetching a new one, or while the site fails.
            browser = _capped(settings.NEWSROOM_BROWSER_CACHE_SECONDS, until)
            patch_cache_control(response, public=True, max_age=browser)
            if browser == 0:
                patch_cache_control(response, must_revalidate=True)
            patch_cache_control(
                response,
                s_maxage=_capped(settings.NEWSROOM_SHARED_CACHE_SECONDS, until),
                stale_while_revalidate=settings.NEWSROOM_STALE_WHILE_REVALIDATE_SECONDS,
                stale_if_error=settings.NEWSROOM_STALE_IF_ERROR_SECONDS,
            )
        # What the page shows, for front caches to purge by: Fastly and others read
        # Surrogate-Key, Varnish's xkey module xkey.
        response["Surrogate-Key"] = response["xkey"] = " ".join(keys)
        # The page is as new as the moment it was built: every change since (an edit, a
        # scheduled story going live) makes a new one. HTTP dates count whole seconds, so a page
        # built in the second of the last change to what it shows gets none, and is revalidated
        # by its ETag alone.
        built = time.time()
        if built - changed_at >= 1:
            response.setdefault("Last-Modified", http_date(built))

    def response_from(self, status, headers, content):
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response


def _capped(seconds, until):
    return seconds if until is None else min(seconds, until)
