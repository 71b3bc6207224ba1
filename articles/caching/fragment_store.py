"""
Fragments of pages kept built: an article's page body, a card. Each is built once per version
of what it shows and kept with the keys of the rows it loaded, like a whole page
(articles.caching.middleware), so that a page built for a reader is mostly fragments put
together. A change makes stale the fragments showing what it changed, and no other; none is
kept past the next scheduled publication, which could change what it shows with no write.

A fragment used in a page, kept or built, records the rows it shows as the page's own: the
page's keys (and its Surrogate-Key) are the same either way. Each process also keeps the
fragments it used last in its own memory, so a list of cards costs no read of the cache.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from articles.caching import keys as page_keys
from articles.caching import store, versions
from articles.caching.publication import seconds_until_next_publication
from articles.models.loading import loads_recorded
from articles.models.loading import record as record_loaded

_FRAGMENT = "newsroom:fragment:"
# The fragments this process used last, kept in its memory too (up to FRAGMENT_MEMORY_ITEMS):
# one is used from here exactly as from the shared cache, fresh by its keys and within its
# time, whichever copy it is.
_memory: OrderedDict[str, tuple] = OrderedDict()
_memory_lock = threading.Lock()

# What building gives for each name: its content (HTML, or a tuple of HTML parts), the
# (model label, pk) of the rows it shows and, optionally, the keys of the lists it shows.
Built = dict[str, tuple]


def fragment_name(kind: str, *parts) -> str:
    """
    A fragment's name from what tells it apart (its kind, object, options) and the language
    it is written in.
    """
    text = "\x1f".join(str(part) for part in (*parts, get_language()))
    return f"{kind}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def fragments(
    names: list[str], build: Callable[[list[str]], Built], *, recorded: bool = True
) -> dict:
    """
    The content of each named fragment: those kept and fresh as they are, the others built by
    `build(stale names)`, which gives each its content and what it shows, and kept. Every
    fragment's rows are recorded as loaded by the page being built, and its lists as shown;
    not with `recorded=False`, for a fragment kept by keys broader than what the page says it
    shows (a list's count, kept until any article changes).
    """
    if not recorded:
        with loads_recorded(passed_on=False):
            return fragments(names, build)
    seconds = settings.NEWSROOM_FRAGMENT_CACHE_SECONDS
    reading = versions.held_reading()
    # The site's clock, by which publication times come.
    now = timezone.now().timestamp()
    content, stale = {}, []
    if reading is None:
        # One read of the cache for the clock and what this process's memory lacks.
        lacking = [name for name in names if name not in _memory] if seconds else []
        found, reading = versions.read_with([_FRAGMENT + name for name in lacking])
    else:
        found = {}
    # This process's memory first; what it lacks, or holds stale, from the shared cache
    # (another process may have built it anew since).
    for source in ("memory", "shared"):
        wanted = [name for name in names if name not in content] if seconds else []
        if source == "shared":
            unread = [_FRAGMENT + name for name in wanted if _FRAGMENT + name not in found]
            found.update(store.get_many(unread) if unread else {})
        for name in wanted:
            kept = _memory.get(name) if source == "memory" else found.get(_FRAGMENT + name)
            if kept is None:
                continue
            value, loaded, lists, keys, built_at, until = kept
            if now < until and versions.is_fresh(keys, built_at, reading):
                record(loaded, lists)
                content[name] = value
                if source == "shared":
                    _remember(name, kept)
    stale = [name for name in names if name not in content]
    if not stale:
        return content

    # Read before the database is: whatever commits after this makes what is built stale.
    built_at = reading if reading is not None else versions.clock()
    built = build(stale)
    keep = {}
    timeout = _timeout(seconds) if built_at else 0
    for name in stale:
        value, loaded, lists = (*built[name], ())[:3]
        loaded, lists = frozenset(loaded), tuple(lists)
        record(loaded, lists)
        content[name] = value
        if timeout:
            keys = sorted(page_keys.loaded_keys(loaded) | set(lists))
            if versions.fresh(keys, built_at)[0]:
                entry = (value, loaded, lists, keys, built_at, now + timeout)
                keep[_FRAGMENT + name] = entry
                _remember(name, entry)
    if keep:
        store.set_many(keep, timeout=timeout)
    return content


def _remember(name, entry):
    with _memory_lock:
        _memory[name] = entry
        _memory.move_to_end(name)
        while len(_memory) > settings.NEWSROOM_FRAGMENT_MEMORY_ITEMS:
            _memory.popitem(last=False)


def record(loaded, lists):
    """What a fragment shows, recorded as shown by the page being built."""
    record_loaded(loaded)
    record_loaded((page_keys.SHOWN, key) for key in lists)


def _timeout(seconds):
    until = seconds_until_next_publication(timezone.now())
    return seconds if until is None else max(min(seconds, int(until)), 0)
