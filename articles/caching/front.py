"""
Telling front caches what changed: each Varnish server of FRONT_CACHE_URLS gets a PURGE
request naming the stale keys (header xkey-purge), which docs/varnish/newsroom.vcl turns into
a soft purge of every object tagged with one of them: the next reader gets a fresh page, and
the stale one stays at hand in case the site fails meanwhile. CDNs purge by the same keys
(Surrogate-Key) through their own APIs: see docs/scaling.md.
"""

import urllib.request
from collections.abc import Iterable

from django.conf import settings

# Keys per request: Varnish refuses request headers over 8 KB by default.
KEYS_PER_REQUEST = 200
TIMEOUT_SECONDS = 5


class PurgeFailed(Exception):
    """A front cache did not confirm the purge: its pages may be stale."""


def front_caches_purge(keys: Iterable[str], *, urls: Iterable[str] | None = None) -> int:
    """
    Purge `keys` from every front cache (default: FRONT_CACHE_URLS); returns the number of
    requests sent. Raises PurgeFailed naming each cache that failed, after trying them all.
    """
    keys = sorted(set(keys))
    urls = list(settings.NEWSROOM_FRONT_CACHE_URLS if urls is None else urls)
    failures, sent = [], 0
    for url in urls:
        for start in range(0, len(keys), KEYS_PER_REQUEST):
            request = urllib.request.Request(
                url,
                method="PURGE",
                headers={"xkey-purge": " ".join(keys[start : start + KEYS_PER_REQUEST])},
            )
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                    response.read()
            except (OSError, ValueError) as error:  # URLError and HTTPError are OSErrors
                failures.append(f"{url}: {getattr(error, 'reason', error)}")
                break
            sent += 1
    if failures:
        raise PurgeFailed("; ".join(failures))
    return sent
