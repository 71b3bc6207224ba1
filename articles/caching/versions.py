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

Reading versions is the price of every cached page, so each process remembers those it read
for as long as the clock stays where it was: a change moves the clock once its versions are
written, and the next reading drops what the process remembered.
"""

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache

from articles.caching import store

CLOCK = "newsroom:clock"
_VERSION = "newsroom:key:"
# Past this many remembered versions a process starts again (a sitemap crawl, say).
_REMEMBERED_MAX = 50_000
# (clock reading, {version name: version}): replaced whole when the clock moves, so a reader
# still holding the previous pair never writes into the new one.
_remembered: tuple[int | None, dict] = (None, {})
# The reading a page being built took before reading the database: what it is built from is
# at least as new as that, and its fragments go by it too (one reading for the whole page).
_held: ContextVar[int | None] = ContextVar("newsroom_clock_held", default=None)


@contextmanager
def reading_held(reading: int | None) -> Iterator[None]:
    """Inside, clock() gives `reading`: the one the page being built took before its queries."""
    token = _held.set(reading)
    try:
        yield
    finally:
        _held.reset(token)


# When this process first saw each recent reading, by its own watch: every change the reading
# counts happened before then (a change moves the clock only once its versions are written).
_seen_at: dict[int, float] = {}
# Readings of clocks this process started: they count no change at all.
_started_here: set[int] = set()


def _seen(reading):
    if reading is not None and reading not in _seen_at:
        if len(_seen_at) > 64:
            _seen_at.clear()
            _started_here.clear()
        _seen_at[reading] = time.time()
    return reading


def unchanged_for(reading: int | None) -> float:
    """
    Seconds that nothing has changed for at least, the clock reading `reading`: since this
    process first saw it (0 for none, or one it has not seen before).
    """
    seen = _seen_at.get(reading) if reading is not None else None
    return 0.0 if seen is None else max(time.time() - seen, 0.0)


def read_with(names: list[str]) -> tuple[dict, int | None]:
    """The cache's values for `names` and the clock's reading, in one read of the cache."""
    found = store.get_many([*names, CLOCK])
    return found, _seen(found.pop(CLOCK, None))


def held_reading() -> int | None:
    """The reading held for the page being built (reading_held()), if any."""
    return _held.get()


def clock() -> int | None:
    """The clock's reading; None when the cache cannot keep one (it is down)."""
    reading = _held.get()
    if reading is not None:
        return reading
    reading = _seen(store.get(CLOCK))
    if reading is None:
        # Unknown (a new or cleared cache): start past every version a change could have
        # given before, whichever server gave it.
        started = time.time_ns()
        if store.add(CLOCK, started, timeout=None):
            _started_here.add(started)
        reading = _seen(store.get(CLOCK))
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
        # Moved again once the versions are written: a process that read the clock in
        # between, and the versions from before this change, forgets them at its next reading.
        cache.incr(CLOCK)
    except Exception as error:
        raise CacheUnavailable(str(error)) from error
    if failed:
        raise CacheUnavailable(f"{len(failed)} of {len(keys)} key(s) not written")


def is_fresh(keys: Iterable[str], built_at: int, reading: int | None) -> bool:
    """
    Whether a page showing `keys`, built at clock reading `built_at`, is fresh, the clock now
    reading `reading` (None: unknown, so not). Nothing has changed since a page built at the
    present reading; otherwise the versions of its keys tell.
    """
    if reading is None:
        return False
    if built_at >= reading:
        return True
    return fresh(keys, built_at, reading)[0]


def still_fresh(keys: Iterable[str], built_at: int) -> tuple[bool, float]:
    """
    fresh() for what was just built at reading `built_at`, the clock read again: while it has
    not moved, nothing has changed, and every change it counts happened before this process
    first saw it (for Last-Modified).
    """
    reading = _seen(store.get(CLOCK))
    if reading is not None and reading == built_at:
        # The latest change it counts: none, or at the latest when this process first saw it.
        return True, 0 if reading in _started_here else _seen_at.get(reading, time.time())
    return fresh(keys, built_at, reading)


def fresh(keys: Iterable[str], built_at: int, reading: int | None = None) -> tuple[bool, float]:
    """
    Whether a page showing `keys`, built at clock reading `built_at`, is fresh; and the time
    of the latest change to them (0 if none is known). A key with no version (new, or evicted
    from the cache) gets the clock's present reading: a page built since is fresh, and one
    built before, which may have missed a change to it, is not. `reading`: the clock's, when
    the caller has just read it.
    """
    global _remembered
    if reading is None:
        reading = clock()
        if reading is None:
            return False, 0
    remembered_at, remembered = _remembered
    if remembered_at != reading or len(remembered) > _REMEMBERED_MAX:
        remembered = {}
        _remembered = (reading, remembered)
    names = [_VERSION + key for key in keys]
    versions = {name: remembered[name] for name in names if name in remembered}
    if len(versions) < len(names):
        wanted = [name for name in names if name not in versions]
        versions.update(store.get_many(wanted))
        missing = [name for name in wanted if name not in versions]
        if missing:
            # The clock as it is now, not as a page being built read it: a key evicted since
            # may have changed in between.
            now = store.get(CLOCK) or reading
        for name in missing:
            # No change to it is known: none for Last-Modified either.
            store.add(name, (now, 0), timeout=None)
        if missing:
            versions.update(store.get_many(missing))
        if len(versions) < len(names):
            return False, 0
        remembered.update((name, versions[name]) for name in wanted)
    latest = max((version for version, _ in versions.values()), default=0)
    changed = max((at for _, at in versions.values()), default=0)
    return latest <= built_at, changed
