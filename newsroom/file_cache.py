"""
The file cache of the embedded default, shared by every process of a site on one machine. In
a module of its own: the Redis cache's (newsroom.cache) needs the redis package, which a site
without Redis does not install.
"""

from django.core.cache.backends.filebased import FileBasedCache


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
