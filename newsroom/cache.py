"""
A cache is an optimisation: it must never take the site down. The Redis cache here answers a
failing Redis as a cache with nothing in it (pages are built and served uncached, sign-in
works), logs the failure, and waits a moment before trying Redis again.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# After a failure, Redis is left alone this long: a closed port must not cost every request
# a connection attempt.
RETRY_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, degrading to "nothing cached" while Redis fails."""

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # Give up quickly: a cache that answers slowly is worse than none.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._down_until = 0.0

    def _guarded(self, name, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except RedisError as error:
            self._down_until = time.monotonic() + RETRY_SECONDS
            logger.warning("Cache unavailable, serving uncached for %ss: %s", RETRY_SECONDS, error)
            return default

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded("delete_many", None, keys, version)

    def clear(self):
        return self._guarded("clear", None)
