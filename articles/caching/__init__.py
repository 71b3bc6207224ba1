"""
Pages that know what they show: the page cache (middleware), fragments of pages kept built
(fragment_store), the keys a page depends on (keys), their versions in the shared cache
(versions), the next scheduled publication no page outlives (publication) and the purges sent
to front caches such as Varnish or a CDN (front).
"""

from articles.caching.fragment_store import fragment_name, fragments
from articles.caching.keys import (
    ALL_ARTICLES,
    ANY_ARTICLE,
    BANNER,
    CORRECTIONS,
    MAX_OBJECT_KEYS,
    NAVIGATION,
    SHOWN,
    keys_for_changes,
    list_key,
    list_key_of,
)
from articles.caching.middleware import PageCacheMiddleware, page_shows_lists
from articles.caching.publication import seconds_until_next_publication
from articles.caching.versions import CacheUnavailable, keys_stale

__all__ = [
    "ALL_ARTICLES",
    "ANY_ARTICLE",
    "BANNER",
    "CORRECTIONS",
    "MAX_OBJECT_KEYS",
    "NAVIGATION",
    "SHOWN",
    "CacheUnavailable",
    "PageCacheMiddleware",
    "fragment_name",
    "fragments",
    "keys_for_changes",
    "keys_stale",
    "list_key",
    "list_key_of",
    "page_shows_lists",
    "seconds_until_next_publication",
]
