"""
Faults degrade, never crash: concurrent editors, an unavailable or locked database, a cache
that is down.
"""

import logging
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.db import IntegrityError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from taggit.models import Tag

from articles import revisions, services
from articles.models import Article
from newsroom.db import insert_rows
from tests import factories
from tests.test_admin import article_form, change_url, errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return factories.ArticleFactory(headline="Stored headline", slug="ukraine-nato")


def test_a_change_form_without_its_version_is_refused_not_saved(editor_client, story):
    form = article_form(story.section, headline="Blind overwrite")
    del form["version"]

    response = editor_client.post(change_url(story), form)

    assert response.status_code == 200
    assert any("Someone else saved this article" in e for e in errors(response))
    story.refresh_from_db()
    assert story.headline == "Stored headline"


def test_a_save_that_lost_the_race_gets_the_message_with_everything_typed(
    editor_client, story, monkeypatch
):
    # The form is checked against the version it was opened at; another editor's save lands
    # after that check and before this save takes the row: the write path finds it.
    form = article_form(story.section, headline="My headline", standfirst="My standfirst")
    other = factories.EditorFactory(first_name="Rival", last_name="Editor")
    monkeypatch.setattr(revisions, "stale_save_message", _passes_first_then_real())
    story.headline = "Their headline"
    services.article_save(article=story, user=other)

    response = editor_client.post(change_url(story), form)

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert any("Someone else saved this article" in e for e in errors(response))
    assert page.select_one("#id_headline")["value"] == "My headline"
    assert page.select_one("#id_standfirst").get_text().strip() == "My standfirst"
    story.refresh_from_db()
    assert story.headline == "Their headline"


def _passes_first_then_real():
    real = revisions.stale_save_message
    calls = []

    def stale_save_message(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    return stale_save_message


def _locked(self, sql, params=None):
    """A query as a database locked past its wait answers it."""
    raise OperationalError("database is locked")


@pytest.mark.parametrize("url", ["/", "/articles/ukraine-nato/", "/feed/", "/search/?q=nato"])
def test_an_unavailable_database_answers_503_with_retry_after_and_one_log_line(story, url, caplog):
    client = Client(raise_request_exception=False)
    caplog.set_level(logging.WARNING, logger="django.request")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", _locked)
        response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "We are back in a moment" in response.content.decode()
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None and "Database unavailable" in records[0].getMessage()


def test_a_real_bug_still_answers_500_with_its_traceback_logged(story, caplog, monkeypatch):
    client = Client(raise_request_exception=False)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("articles.views.ArticleDetailView.parts", broken)
    response = client.get(story.get_absolute_url())

    assert response.status_code == 500
    assert any(r.exc_info for r in caplog.records if r.name == "django.request")


@pytest.fixture
def redis_down(settings):
    """The cache points at a Redis that is not there (a closed port)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    yield caches["default"]
    caches["default"].close()


@pytest.mark.parametrize(
    "url", ["/", "/articles/ukraine-nato/", "/feed/", "/sitemap.xml", "/robots.txt"]
)
def test_pages_are_served_uncached_while_the_cache_is_down(story, redis_down, url, caplog):
    response = Client().get(url)

    assert response.status_code == 200
    assert "Cache unavailable" in caplog.text


def test_signing_in_works_while_the_cache_is_down(redis_down):
    user = factories.UserFactory(username="reader", is_staff=False)
    user.set_password("a long passphrase")
    user.save()

    client = Client()
    signed_in = client.login(request=None, username="reader", password="a long passphrase")

    assert signed_in


def test_a_failed_cache_is_left_alone_for_a_moment(redis_down):
    cache = redis_down
    assert cache.get("anything", "default") == "default"
    assert cache._down_until > 0  # the next calls do not try the closed port again
    assert cache.set("key", "value") is None and cache.get_many(["key"]) == {}


def test_sqlite_runs_in_wal_mode_with_immediate_write_transactions(tmp_path):
    database = tmp_path / "site.sqlite3"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.db import connection;"
            "c = connection.cursor(); c.execute('PRAGMA journal_mode');"
            "print(c.fetchone()[0], connection.transaction_mode, connection.settings_dict"
            "['OPTIONS']['timeout'])",
        ],
        env={
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{database}",
            "ENV_FILE": str(tmp_path / "none"),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == ["wal", "IMMEDIATE", "3.0"]


def test_articles_are_untouched_by_a_refused_save(editor_client, story):
    before = Article.objects.values().get(pk=story.pk)
    form = article_form(story.section, headline="x" * 201)

    editor_client.post(change_url(story), form)

    assert Article.objects.values().get(pk=story.pk) == before


@pytest.mark.django_db(transaction=True)
def test_rows_written_by_the_thousand_are_all_or_nothing_outside_a_transaction():
    # The importer's revisions and audit entries are written as plain rows after commit, in
    # autocommit mode: a failing row must not leave the rows before it behind.
    with pytest.raises(IntegrityError):
        insert_rows(Tag, ["name", "slug"], [("one", "one"), ("two", "two"), ("one", "dup")])

    assert not Tag.objects.exists()
    assert insert_rows(Tag, ["name", "slug"], [("one", "one"), ("two", "two")]) == 2
