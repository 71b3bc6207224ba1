"""
Each partner's key may make so many requests a minute: a fixed window counted in the shared
cache (one counter per partner and minute, created with add() and counted with incr(), both
atomic in Redis). A window's count starts again at each whole minute, so a partner may make up
to twice its limit across the turn of a minute; simple, and enough to keep one partner from
taking the site's capacity.

A cache that fails must not take the API down: the request is allowed and the failure logged.
"""

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache

from newsroom.partners.models import Partner

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60
_COUNTER = "newsroom:partner-rate:{pk}:{window}"


@dataclass(frozen=True)
class Allowance:
    """What the rate limit says of one request."""

    allowed: bool
    limit: int
    # Requests left in this window; None when the cache could not count.
    remaining: int | None
    # Seconds until the window ends and the count starts again.
    reset_seconds: int


def partner_rate_check(*, partner: Partner) -> Allowance:
    """Count one request of `partner`'s key, and say whether it is within the rate limit."""
    limit = partner.requests_per_minute
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    reset = max(1, WINDOW_SECONDS - int(now % WINDOW_SECONDS))
    name = _COUNTER.format(pk=partner.pk, window=window)
    try:
        count = _count(name)
    except Exception:
        logger.warning("Partner API rate limit not counted: the cache failed", exc_info=True)
        return Allowance(allowed=True, limit=limit, remaining=None, reset_seconds=reset)
    if count is None:
        logger.warning("Partner API rate limit not counted: the cache keeps no counter")
        return Allowance(allowed=True, limit=limit, remaining=None, reset_seconds=reset)
    return Allowance(
        allowed=count <= limit,
        limit=limit,
        remaining=max(limit - count, 0),
        reset_seconds=reset,
    )


def _count(name: str) -> int | None:
    """This window's count with the request added; None when the cache cannot keep it."""
    for _ in range(2):
        # The counter outlives its window a little: a slow request still counts in it.
        cache.add(name, 0, timeout=WINDOW_SECONDS + 10)
        try:
            return cache.incr(name)
        except ValueError:
            # Gone between add() and incr() (evicted, or a cache that keeps nothing): again.
            continue
    return None
