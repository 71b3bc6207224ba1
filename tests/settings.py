"""
Settings for the test suite: the real settings module, with only what a test run needs set.

Production mode stays on (DEBUG unset), so the suite exercises the settings a site runs with.
DATABASE_URL from the environment picks the database (SQLite by default, PostgreSQL in CI).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_COOKIES", "false")

from newsroom.settings import *  # noqa: E402,F403

# Hashing passwords properly is slow and tests nothing of ours.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if "CACHE_URL" not in os.environ:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Serve static files from the source folders: the suite does not run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tasks run at once when enqueued, in the test's own transaction; tests of the queue itself
# switch to the database backend with the `settings` fixture and run its worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# A subscriber failing after a commit is logged on a site; in the suite it fails the test.
NEWSROOM_EVENTS_RAISE = True
# Two-factor authentication is required of nobody here, so tests that sign staff in with
# force_login test what they are about; tests of the second factor require it with `settings`.
NEWSROOM_TWO_FACTOR_REQUIRED_ROLES = []
# The SQLite test database lives in memory, one cache shared by the test and the live server's
# threads, where an immediate transaction locks whole tables at once instead of waiting: the
# suite's writers start their transactions as Django's default does. (A site's database file
# keeps the immediate mode; tests/test_faults.py checks it in a subprocess.)
DATABASES["default"].get("OPTIONS", {}).pop("transaction_mode", None)  # noqa: F405
