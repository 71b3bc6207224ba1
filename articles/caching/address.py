"""
Which requests the page cache may answer, and the name it keeps each page under, read from
the request's WSGI environ (request.META): the kept-page door in front of Django
(articles.caching.wsgi) answers without making a request object, and the middleware behind
it names each page the same way.

The address is taken as the server gave it (scheme, host, script name, path and query, not
normalised): two spellings of one address are two entries, each kept only once its view has
served it. The host is the one Django reads (X-Forwarded-Host only when USE_X_FORWARDED_HOST),
unchecked here: a page is kept only after Django accepted its host, so one it refuses finds
nothing kept and goes on to Django, which refuses it.
"""

import hashlib
import re
from functools import cache
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.signals import setting_changed
from django.http.cookie import parse_cookie

# Query strings that only pick a page of a list (or of a sitemap). A page is cached only when
# its view really served that page, so made-up addresses (search queries, ?page=junk, a page
# number on an article) cannot fill the cache.
CACHEABLE_PARAMETERS = frozenset({"page", "p"})
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")
# Pages for one holder of a secret in their address (a shareable preview's token): never
# kept, and never answered from what is kept, whatever their views send.
PRIVATE_PATHS = ("/preview/",)
# Headers that carry credentials (the Partner API's keys, articles.api).
CREDENTIAL_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY")
_PAGE = "newsroom:page:"
_DEFAULT_PORTS = {"http": "80", "https": "443"}


@cache
def _settings():
    """What naming a page reads of the settings, read once (again when a test changes them)."""
    prefixes = tuple(prefix for prefix in (settings.STATIC_URL, settings.MEDIA_URL) if prefix)
    return (
        settings.NEWSROOM_PAGE_CACHE_SECONDS > 0,
        settings.SESSION_COOKIE_NAME,
        prefixes,
        settings.USE_X_FORWARDED_HOST,
        settings.SECURE_PROXY_SSL_HEADER,
    )


def _settings_changed(**kwargs):
    _settings.cache_clear()


setting_changed.connect(_settings_changed)


def cacheable(meta) -> bool:
    """
    Whether the page cache may answer the request of this environ: an anonymous reader's GET
    or HEAD of a page (not a static or uploaded file), whose query string at most picks a page
    of a list, and not a private page (PRIVATE_PATHS). Readers are told from staff by their
    session cookie, which only signing in gives. A request carrying credentials (a partner's
    API key) is answered for them alone: never from the cache, and never kept (as RFC 9111
    asks of shared caches).
    """
    _, session_cookie, files, _, _ = _settings()
    if meta.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    if any(header in meta for header in CREDENTIAL_HEADERS):
        return False
    cookies = meta.get("HTTP_COOKIE", "")
    if session_cookie in cookies and session_cookie in parse_cookie(cookies):
        return False
    if _path(meta).startswith(files) or _path(meta).startswith(PRIVATE_PATHS):
        return False
    query = meta.get("QUERY_STRING", "")
    if not query:
        return True
    seen = set()
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name not in CACHEABLE_PARAMETERS or name in seen or not PAGE_NUMBER.fullmatch(value):
            return False
        seen.add(name)
    return True


def page_name(meta) -> str:
    """The cache's name for the page at this environ's address, scheme and host included."""
    # Hashed: any cache backend takes the key, however long the address.
    address = f"{_scheme(meta)}://{_host(meta)}{_path(meta)}?{meta.get('QUERY_STRING', '')}"
    return _PAGE + hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()


def kept_name(meta) -> str | None:
    """page_name() for a request the page cache may answer while it keeps pages; else None."""
    if not _settings()[0] or not cacheable(meta):
        return None
    return page_name(meta)


def _path(meta):
    return meta.get("SCRIPT_NAME", "") + meta.get("PATH_INFO", "")


def _scheme(meta):
    # As HttpRequest.scheme reads it: a proxy's header, when the settings name one.
    proxy_header = _settings()[4]
    if proxy_header:
        header, secure = proxy_header
        value = meta.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure else "http"
    return meta.get("wsgi.url_scheme", "http")


def _host(meta):
    # As HttpRequest._get_raw_host() reads it.
    if _settings()[3] and "HTTP_X_FORWARDED_HOST" in meta:
        return meta["HTTP_X_FORWARDED_HOST"]
    if "HTTP_HOST" in meta:
        return meta["HTTP_HOST"]
    host, port = meta.get("SERVER_NAME", ""), str(meta.get("SERVER_PORT", ""))
    return host if port == _DEFAULT_PORTS.get(_scheme(meta)) else f"{host}:{port}"
