"""
Pages that know what they show: the page cache (middleware), the keys a page depends on
(keys), their versions in the shared cache (versions) and the purges sent to front caches
such as Varnish or a CDN (front).
"""

from articles.caching.keys import ALL_ARTICLES, NAVIGATION, keys_for_changes, list_key, list_key_of
from articles.caching.middleware import (
    PageCacheMiddleware,
    page_shows_lists,
    seconds_until_next_publication,
)
from articles.caching.versions import CacheUnavailable, keys_stale

__all__ = [
    "ALL_ARTICLES",
    "NAVIGATION",
    "CacheUnavailable",
    "PageCacheMiddleware",
    "keys_for_changes",
    "keys_stale",
    "list_key",
    "list_key_of",
    "page_shows_lists",
    "seconds_until_next_publication",
]
