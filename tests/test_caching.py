"""Anonymous readers get cached pages, conditional requests get 304, and no edit goes unseen."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles import caching, services, views
from articles.caching import middleware, versions
from articles.models import Article, Byline
from tests import factories

pytestmark = pytest.mark.django_db


def headline(response):
    return BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True)


@pytest.fixture
def article():
    article = factories.ArticleFactory(
        headline="First version", lead_photo=factories.PhotoFactory()
    )
    factories.BylineFactory(article=article, author__name="Angela Skujins")
    return article


def test_page_cache_serves_a_second_anonymous_reader_without_queries(
    client, article, django_assert_num_queries
):
    first = client.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())

    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert set(second["Cache-Control"].split(", ")) == {
        "public",
        "max-age=0",
        "must-revalidate",
        "s-maxage=0",
        "stale-while-revalidate=30",
        "stale-if-error=86400",
    }
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")


def settled():
    """As if nothing had changed in a while: no change to any key is known."""
    cache.clear()


@pytest.mark.parametrize("validator", ["ETag", "Last-Modified"])
def test_conditional_get_answers_not_modified(client, article, validator):
    settled()
    url = article.get_absolute_url()
    first = client.get(url)
    header = {"ETag": "HTTP_IF_NONE_MATCH", "Last-Modified": "HTTP_IF_MODIFIED_SINCE"}[validator]

    again = client.get(url, **{header: first[validator]})

    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "edit",
    [
        "headline",
        "author name",
        "photo caption",
        "section name",
        "tags",
        "bylines replaced",
        "correction",
    ],
)
def test_an_edit_shows_to_the_next_anonymous_reader(client, article, edit, committed):
    url = article.get_absolute_url()
    before = client.get(url)

    with committed():
        if edit == "headline":
            article.headline = "Second version"
            services.article_save(article=article)
            expected = "Second version"
        elif edit == "author name":
            author = article.bylines.get().author
            author.name = "Renamed Author"
            services.content_save(instance=author, fields=["name"])
            expected = "Renamed Author"
        elif edit == "photo caption":
            article.lead_photo.caption = "A new caption"
            services.photo_save(photo=article.lead_photo, fields=["caption"])
            expected = "A new caption"
        elif edit == "section name":
            article.section.name = "Renamed section"
            services.content_save(instance=article.section, fields=["name"])
            expected = "Renamed section"
        elif edit == "tags":
            services.article_save(article=article, tags=["Brand new tag"])
            expected = "Brand new tag"
        elif edit == "correction":
            services.article_correction_add(article=article, text="A name was misspelt.")
            expected = "A name was misspelt."
        else:
            agency = factories.AgencyFactory(short_name="AP")
            services.article_save(article=article, bylines=[Byline(agency=agency)])
            expected = "By AP"
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert expected in " ".join(BeautifulSoup(after.content, "html.parser").get_text().split())
    assert after["ETag"] != before["ETag"]


def test_unpublishing_removes_the_story_for_the_next_reader(client, article, committed):
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    assert "First version" in client.get("/").content.decode()

    with committed():
        services.article_unpublish(article=article)

    assert client.get(url).status_code == 404
    assert "First version" not in client.get("/").content.decode()


def test_pages_go_stale_when_the_transaction_commits_not_before(article, committed):
    built_at = versions.clock()
    shown = [f"a{article.pk}"]
    with committed():
        article.headline = "Second version"
        services.article_save(article=article)
        # A reader now still sees the committed story: the pages they cache stay good.
        assert versions.fresh(shown, built_at)[0]

    assert not versions.fresh(shown, built_at)[0]


def test_staff_never_get_cached_pages(editor_client, article, django_assert_max_num_queries):
    url = article.get_absolute_url()
    Client().get(url)  # cached for anonymous readers

    with django_assert_max_num_queries(20) as queries:
        response = editor_client.get(url)

    assert len(queries.captured_queries) > 0

    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_staff_preview_is_never_stored_for_readers(editor_client):
    draft = factories.ArticleFactory(
        headline="Not yet", status=Article.Status.DRAFT, publish_at=None
    )
    assert editor_client.get(draft.get_absolute_url()).status_code == 200

    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_search_results_and_odd_query_strings_are_not_cached(client, article):
    client.get("/search/", {"q": "first"})
    client.get("/", {"utm_source": "x"})

    search = client.get("/search/", {"q": "first"})
    home = client.get("/", {"utm_source": "x"})

    assert search["X-Cache"] == "MISS"
    assert home["X-Cache"] == "MISS"


def test_a_missing_page_is_not_cached(client):
    assert client.get("/articles/coming-soon/").status_code == 404

    factories.ArticleFactory(slug="coming-soon")

    assert client.get("/articles/coming-soon/").status_code == 200


def test_pages_are_not_kept_past_the_next_scheduled_publication(client, settings):
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 3600
    now = timezone.now()
    factories.ArticleFactory(headline="Later", publish_at=now + timedelta(seconds=90))
    factories.ArticleFactory(headline="Much later", publish_at=now + timedelta(days=2))

    seconds = caching.seconds_until_next_publication(now)
    cache_control = client.get("/")["Cache-Control"].split(", ")

    assert 89 <= seconds <= 90
    shared = next(int(v.split("=")[1]) for v in cache_control if v.startswith("s-maxage="))
    assert 0 < shared <= 90


def test_a_scheduled_story_appears_when_its_time_has_come(client, settings, monkeypatch):
    now = timezone.now()
    factories.ArticleFactory(headline="Already out", publish_at=now - timedelta(hours=1))
    factories.ArticleFactory(headline="Scheduled", publish_at=now + timedelta(seconds=30))
    assert "Scheduled" not in client.get("/").content.decode()

    # Half a minute on: the cached home page has expired and the story is published.
    later = now + timedelta(seconds=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    _expire_pages(monkeypatch)

    assert "Scheduled" in client.get("/").content.decode()


def _expire_pages(monkeypatch):
    """The cache as it is once the page entries' timeouts have run out."""
    get, get_many = cache.get, cache.get_many

    def expired_get(key, *args, **kwargs):
        return None if key.startswith("newsroom:page:") else get(key, *args, **kwargs)

    def expired_get_many(keys, *args, **kwargs):
        found = get_many(keys, *args, **kwargs)
        return {key: value for key, value in found.items() if not key.startswith("newsroom:page:")}

    monkeypatch.setattr(cache, "get", expired_get)
    monkeypatch.setattr(cache, "get_many", expired_get_many)


def test_cache_can_be_turned_off(client, article, settings, django_assert_max_num_queries):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    settings.NEWSROOM_FRAGMENT_CACHE_SECONDS = 0
    client.get(article.get_absolute_url())

    with django_assert_max_num_queries(10) as queries:
        response = client.get(article.get_absolute_url())

    assert response["X-Cache"] == "MISS"
    assert len(queries.captured_queries) > 0
    assert "ETag" in response


def test_a_page_built_in_the_second_of_an_edit_has_no_last_modified(client, article, committed):
    with committed():
        article.headline = "Second version"
        services.article_save(article=article)

    response = client.get(article.get_absolute_url())

    # Whole-second HTTP dates could not tell it from the page before the edit: the ETag does.
    assert "Last-Modified" not in response
    assert response["ETag"]


def test_last_modified_moves_when_a_scheduled_story_goes_live(client, monkeypatch):
    now = timezone.now()
    factories.ArticleFactory(headline="Scheduled", publish_at=now + timedelta(seconds=30))
    settled()
    before = client.get("/")["Last-Modified"]

    # A minute on, the page (its cache entry expired at the publication) is built anew.
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=1))
    monkeypatch.setattr(middleware.time, "time", lambda: time.time_ns() / 1e9 + 60)
    _expire_pages(monkeypatch)
    after = client.get("/", HTTP_IF_MODIFIED_SINCE=before)

    assert after.status_code == 200
    assert "Scheduled" in after.content.decode()
    assert after["Last-Modified"] != before


@pytest.mark.parametrize(
    "query",
    [{"page": "junk"}, {"page": "007"}, {"page": "2"}, {"p": "2"}, {"page": ["1", "2"]}],
)
def test_page_numbers_a_view_does_not_serve_are_not_cached(client, article, query):
    client.get(article.get_absolute_url(), query)

    again = client.get(article.get_absolute_url(), query)

    assert again["X-Cache"] == "MISS"


def test_a_real_page_of_a_list_is_cached(client, settings, django_assert_num_queries):
    section = factories.SectionFactory(slug="world", name="World")
    factories.ArticleFactory.create_batch(3, section=section)
    with mock.patch.object(views.PublishedArticlesMixin, "paginate_by", 2):
        client.get("/sections/world/", {"page": "2"})

        with django_assert_num_queries(0):
            response = client.get("/sections/world/", {"page": "2"})

    assert response.status_code == 200


def test_a_page_from_the_cache_carries_every_header_the_site_sends(client, article):
    url = article.get_absolute_url()
    built = client.get(url)

    kept = client.get(url)

    assert (built["X-Cache"], kept["X-Cache"]) == ("MISS", "HIT")
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "ETag",
        "Surrogate-Key",
        "Cache-Control",
    ):
        assert kept[header] == built[header], header
    assert kept.content == built.content


def test_a_page_from_the_cache_answers_not_modified(client, article):
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert (again.status_code, again["X-Cache"], again.content) == (304, "HIT", b"")


def test_a_signed_in_reader_is_never_served_from_the_cache(client, article, django_user_model):
    url = article.get_absolute_url()
    Client().get(url)
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 20))

    response = client.get(url)

    assert response["X-Cache"] == "MISS"
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
