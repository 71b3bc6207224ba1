"""
The page cache's clock and the version of each key (articles.caching.keys), kept in the
configured cache, which every process of the site must share (Redis, or the file cache of the
embedded default): a change made by any process (an import, the shell, a task worker) reaches
every server's next reader.

The clock is a counter. A change makes its keys stale by advancing the clock and giving them
its new reading, after the change has committed. A page is built after reading the clock, and
is fresh while none of its keys has a later version: whatever was committed after the page
read the database has advanced the clock past the page's reading by then. Counting, not
reading each server's watch, keeps two servers whose clocks differ from serving a stale page.

Each version also keeps the time of its change, for the page's Last-Modified.
"""

import time
from collections.abc import Iterable

from django.core.cache import cache

CLOCK = "newsroom:clock"
_VERSION = "newsroom:key:"


def clock() -> int | None:
    """The clock's reading; None when the cache cannot keep one (it is down)."""
    reading = cache.get(CLOCK)
    if reading is None:
        # Unknown (a new or cleared cache): start past every version a change could have
        # given before, whichever server gave it.
        cache.add(CLOCK, time.time_ns(), timeout=None)
        reading = cache.get(CLOCK)
    return reading


class CacheUnavailable(Exception):
    """The cache did not take the new versions: pages showing those keys may be stale."""


def keys_stale(keys: Iterable[str]) -> None:
    """
    Make `keys` stale: every page built before now that shows one of them. Raises
    CacheUnavailable when the cache fails; the caller must try again later.
    """
    keys = set(keys)
    if not keys:
        return
    try:
        try:
            reading = cache.incr(CLOCK)
        except ValueError:
            # No clock yet (a new or cleared cache): no page can be fresh without one.
            clock()
            reading = cache.incr(CLOCK)
        version = (reading, time.time())
        failed = cache.set_many({_VERSION + key: version for key in keys}, timeout=None)
    except Exception as error:
        raise CacheUnavailable(str(error)) from error
    if failed:
        raise CacheUnavailable(f"{len(failed)} of {len(keys)} key(s) not written")


def fresh(keys: Iterable[str], built_at: int) -> tuple[bool, float]:
    """
    Whether a page showing `keys`, built at clock reading `built_at`, is fresh; and the time
    of the latest change to them (0 if none is known). A key with no version (new, or evicted
    from the cache) gets the clock's present reading: a page built since is fresh, and one
    built before, which may have missed a change to it, is not.
    """
    names = [_VERSION + key for key in keys]
    versions = cache.get_many(names)
    missing = [name for name in names if name not in versions]
    if missing:
        reading = clock()
        if reading is None:
            return False, 0
        for name in missing:
            # No change to it is known: none for Last-Modified either.
            cache.add(name, (reading, 0), timeout=None)
        versions.update(cache.get_many(missing))
        if len(versions) < len(names):
            return False, 0
    latest = max((version for version, _ in versions.values()), default=0)
    changed = max((at for _, at in versions.values()), default=0)
    return latest <= built_at, changed
