"""
The shared cache as pages and fragments use it: one that fails (Redis down, a full disk) is
one that holds nothing, so readers still get their pages, built for each request, and the
failure is logged (once a minute per process). Only making keys stale (versions.keys_stale)
must know of a failure, to try again: it uses the cache itself.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

_QUIET_SECONDS = 60
_last_logged = 0.0


def _failed(error):
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= _QUIET_SECONDS:
        _last_logged = now
        logger.warning("The cache failed; pages are built for each request meanwhile: %s", error)


def get(key, default=None):
    try:
        return cache.get(key, default)
    except Exception as error:
        _failed(error)
        return default


def get_many(keys) -> dict:
    if not keys:
        return {}
    try:
        return cache.get_many(keys)
    except Exception as error:
        _failed(error)
        return {}


def add(key, value, timeout=None) -> bool:
    try:
        return bool(cache.add(key, value, timeout=timeout))
    except Exception as error:
        _failed(error)
        return False


def set(key, value, timeout=None) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except Exception as error:
        _failed(error)


def set_many(values, timeout=None) -> None:
    try:
        cache.set_many(values, timeout=timeout)
    except Exception as error:
        _failed(error)
