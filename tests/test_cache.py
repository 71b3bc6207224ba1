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


def test_the_shared_file_cache_keeps_every_kind_of_value(tmp_path):
    files = SharedFileCache(str(tmp_path), {})
    values = {"int": 7, "bytes": b"\x80\x00x", "text": "x" * 5000, "nothing": None, "page": (1, ())}

    files.set_many(values, timeout=60)

    assert files.get_many(list(values)) == values
    assert files.incr("int") == 8
    assert files.touch("text", timeout=120) and files.get("text") == "x" * 5000
    assert files.get("missing", "default") == "default"
    assert files.add("int", 1) is False


def test_the_shared_file_cache_reads_files_django_wrote_compressed(tmp_path):
    FileBasedCache(str(tmp_path), {}).set("old", {"headline": "Kept"}, timeout=60)

    assert SharedFileCache(str(tmp_path), {}).get("old") == {"headline": "Kept"}


def test_the_shared_file_cache_drops_empty_and_expired_files(tmp_path):
    files = SharedFileCache(str(tmp_path), {})
    files.set("gone", "soon", timeout=60)
    files.set("empty", "soon", timeout=60)
    empty = files._key_to_file("empty")
    open(empty, "wb").close()
    files.set("expired", "old", timeout=-1)

    assert files.get("empty") is None and files.get("expired") is None
    assert files.get("gone") == "soon"
    assert not files.has_key("expired")
    assert len(list(tmp_path.iterdir())) == 1
