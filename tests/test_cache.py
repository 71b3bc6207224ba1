from django.core.cache import cache


def test_configured_cache_round_trips():
    """Runs against whatever CACHE_URL names: Redis in CI's production-profile pass."""
    cache.set("newsroom-test-key", {"headline": "Ukraine"}, timeout=30)

    assert cache.get("newsroom-test-key") == {"headline": "Ukraine"}
    cache.delete("newsroom-test-key")
