"""Production mode refuses to start half-configured; the defaults run with no services."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

CHECK = """
import django
django.setup()
from django.conf import settings
print(settings.DATABASES["default"]["ENGINE"], settings.CACHES["default"]["BACKEND"])
"""
RESET = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "CACHE_URL"}


def run_django(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "CACHE_URL"}
    }
    # A developer's own .env must not decide what these tests see.
    clean.update(DJANGO_SETTINGS_MODULE="newsroom.settings", ENV_FILE=os.devnull, **env)
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY must be set when DEBUG is off"),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS must be set when DEBUG is off"),
    ],
)
def test_production_mode_refuses_to_start_without_secret_key_and_hosts(env, message):
    result = run_django(**env)

    assert result.returncode != 0
    assert message in result.stderr


def test_production_mode_starts_when_configured():
    result = run_django(SECRET_KEY="x" * 50, ALLOWED_HOSTS="news.example.org")

    assert result.returncode == 0, result.stderr


def test_debug_mode_defaults_to_sqlite_and_local_memory_cache():
    result = run_django(DEBUG="true")

    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_database_and_cache_come_from_urls():
    result = run_django(
        DEBUG="true",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )

    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
    ]
