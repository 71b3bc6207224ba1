"""
Kept pages served straight from the WSGI application, before Django handles the request: a
page the page cache holds, fresh, needs none of the middleware (it is the response they made),
no view, no database, not even a request object (articles.caching.address reads the
environ). Everything else, conditional requests included, goes through Django as usual, whose
PageCacheMiddleware keeps the pages and answers the rest.
"""

from http import HTTPStatus

from articles.caching.middleware import kept_page

# Conditional requests are Django's to answer (304, 412): the middleware does it.
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_RANGE")


def serve_kept(application):
    """`application` (Django's WSGI handler) with kept pages answered before it."""

    def serving_kept(environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD") and not any(name in environ for name in _CONDITIONAL):
            try:
                kept = kept_page(environ)
            except Exception:
                # An address that cannot be read, the cache failing:
                # Django answers, and reports what went wrong.
                kept = None
            if kept is not None:
                status, headers, content = kept
                start_response(f"{status} {HTTPStatus(status).phrase}", [*headers, _HIT])
                return [b"" if method == "HEAD" else content]
        return application(environ, start_response)

    return serving_kept


_HIT = ("X-Cache", "HIT")
