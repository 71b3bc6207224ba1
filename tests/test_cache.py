from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache

from newsroom.file_cache import SharedFileCache


def test_configured_cache_round_trips():
    """Runs against whatever CACHE_URL names: Redis in CI's production-profile pass."""
    cache.set("newsroom-test-key", {"headline": "Ukraine"}, timeout=30)

    assert cache.get("newsroom-test-key") == {"headline": "Ukraine"}
    cache.delete("newsroom-test-key")


def test_the_shared_file_cache_looks_for_files_to_drop_now_and_then(tmp_path, monkeypatch):
    # Listing the folder on every write made an import telling the cache of ten thousand
    # changes ten times slower; the folder still stays near its limit.
    files = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50}})
    monkeypatch.setattr(SharedFileCache, "CULL_EVERY", 20)
    listed = []
    list_files = FileBasedCache._list_cache_files
    monkeypatch.setattr(
        FileBasedCache, "_list_cache_files", lambda self: listed.append(1) or list_files(self)
    )

    files.set_many({f"key-{number}": number for number in range(400)})

    assert len(listed) == 400 / 20
    assert len(list(tmp_path.iterdir())) <= 50 + 20
    assert files.get("key-399") == 399
