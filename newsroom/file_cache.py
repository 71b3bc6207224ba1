"""
The file cache of the embedded default, shared by every process of a site on one machine. In
a module of its own: the Redis cache's (newsroom.cache) needs the redis package, which a site
without Redis does not install.
"""

import io
import pickle
import time
import zlib

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

# How a value written compressed (by Django's file cache, or before) begins: zlib's header. A
# value written plain is a pickle, which begins otherwise (protocol 2 and later: 0x80).
_ZLIB = b"x"


class SharedFileCache(FileBasedCache):
    """
    Django's file cache, shared by every process on one machine (the embedded default), that
    looks for files to drop past MAX_ENTRIES on one write in CULL_EVERY rather than on every
    write: Django's lists the whole folder each time, which made an import that tells the
    cache of ten thousand changed articles ten times slower. The folder may so outgrow
    MAX_ENTRIES by up to CULL_EVERY files between two looks.
    """

    CULL_EVERY = 500

    def __init__(self, directory, params):
        super().__init__(directory, params)
        self._writes = 0

    def _cull(self):
        self._writes += 1
        if self._writes % self.CULL_EVERY == 1:
            super()._cull()

    def validate_key(self, key):
        """
        Nothing to check: any key names a file (by its md5). Django's warnings of keys that
        memcached would refuse cost every read a pass over the key's characters.
        """

    def get(self, key, default=None, version=None):
        name = self._key_to_file(key, version)
        try:
            with open(name, "rb") as file:
                data = file.read()
        except FileNotFoundError:
            return default
        found = _read(data)
        if found is None:
            # Expired, or empty (as Django's file cache takes it): gone.
            self._delete(name)
            return default
        return found[0]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        # Read and written again whole, as get() and set() do: the same format either way.
        value = self.get(key, _MISSING, version)
        if value is _MISSING:
            return False
        self.set(key, value, timeout, version)
        return True

    def _write_content(self, file, timeout, value):
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))


_MISSING = object()


def _read(data):
    """(value,) from a cache file's bytes; None when it has expired or holds nothing."""
    stream = io.BytesIO(data)
    try:
        expiry = pickle.load(stream)
    except EOFError:
        return None
    if expiry is not None and expiry < time.time():
        return None
    value = stream.read()
    return (pickle.loads(zlib.decompress(value) if value[:1] == _ZLIB else value),)
