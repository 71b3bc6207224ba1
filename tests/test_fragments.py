"""
Pages built from fragments kept built (articles.caching.fragments): an article's parts, cards,
the site's header and footer, which stories a list shows. Built once per version of what they
show, whatever process asks, and never shown stale.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles import services
from articles.caching import versions
from articles.models import Article
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Every page built for its reader: only fragments are kept."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def site():
    world = factories.SectionFactory(name="World", slug="world")
    writer = factories.AuthorFactory(name="Ana Writer")
    story = factories.ArticleFactory(
        headline="Talks resume", section=world, tags=["Talks"], lead_photo=factories.PhotoFactory()
    )
    factories.BylineFactory(article=story, author=writer)
    other = factories.ArticleFactory(headline="Storm passes", section=world)
    return {"world": world, "writer": writer, "story": story, "other": other}


def page(url):
    response = Client().get(url)
    assert response.status_code == 200
    assert response["X-Cache"] == "MISS"
    return response.content.decode()


@pytest.mark.parametrize(("url", "queries"), [("story", 0), ("/", 0), ("/sections/world/", 0)])
def test_a_page_built_again_reads_only_what_decides_it(
    site, url, queries, django_assert_num_queries
):
    url = site[url].get_absolute_url() if url == "story" else url
    page(url)

    # Everything is kept: the article's parts, the front, a list's pages and its count.
    with django_assert_num_queries(queries):
        again = page(url)

    assert "Talks resume" in again


@pytest.mark.parametrize(
    "edit", ["headline", "author name", "section name", "photo caption", "unpublished"]
)
def test_an_edit_reaches_every_page_built_from_fragments(site, committed, edit):
    story, urls = site["story"], [site["story"].get_absolute_url(), "/", "/sections/world/"]
    for url in urls:
        page(url)

    with committed():
        if edit == "headline":
            story.headline = "Talks collapse"
            services.article_save(article=story)
            expected = {url: "Talks collapse" for url in urls}
        elif edit == "author name":
            site["writer"].name = "Ana Renamed"
            services.content_save(instance=site["writer"], fields=["name"])
            expected = {url: "Ana Renamed" for url in urls}
        elif edit == "section name":
            site["world"].name = "Abroad"
            services.content_save(instance=site["world"], fields=["name"])
            expected = {url: "Abroad" for url in urls}
        elif edit == "photo caption":
            photo = story.lead_photo
            photo.credit_line = "Renamed Agency"
            services.photo_save(photo=photo, fields=["credit_line"])
            expected = {urls[0]: "Renamed Agency"}
        else:
            story.status = Article.Status.UNPUBLISHED
            services.article_save(article=story)
            expected = {}

    for url, text in expected.items():
        assert text in page(url), url
    if edit == "unpublished":
        assert Client().get(urls[0]).status_code == 404
        assert "Talks resume" not in page("/") + page("/sections/world/")


def test_a_story_moved_out_of_a_section_leaves_its_page(site, committed):
    sport = factories.SectionFactory(name="Sport", slug="sport")
    page("/sections/world/")

    with committed():
        site["story"].section = sport
        services.article_save(article=site["story"])

    assert "Talks resume" not in page("/sections/world/")
    assert "Talks resume" in page("/sections/sport/")


def test_a_list_counts_again_when_a_story_leaves_it_from_a_later_page(site, committed, settings):
    sport = factories.SectionFactory(name="Sport", slug="sport")
    per_page = settings.NEWSROOM_ARTICLES_PER_PAGE
    # The two stories of the site are the oldest: the list's second page shows them.
    for number in range(per_page):
        factories.ArticleFactory(headline=f"Newer {number}", section=site["world"])
    assert "Page 1 of 2" in page("/sections/world/")

    with committed():
        for story in (site["story"], site["other"]):
            story.section = sport
            services.article_save(article=story)

    first = page("/sections/world/")
    assert "Page 1 of" not in first and "Newer 0" in first


def test_a_change_another_process_made_reaches_a_fragment_kept_in_memory(site):
    url = site["story"].get_absolute_url()
    page(url)
    # Another process changed the story and made its key stale in the shared cache: this
    # process's memory still holds the old parts.
    Article.objects.filter(pk=site["story"].pk).update(headline="Changed elsewhere")
    versions.keys_stale([f"a{site['story'].pk}"])

    assert "Changed elsewhere" in page(url)


def test_a_fragment_is_not_kept_past_the_next_scheduled_publication(site, monkeypatch):
    now = timezone.now()
    soon = factories.ArticleFactory(
        headline="Coming soon", section=site["world"], publish_at=now + timedelta(seconds=30)
    )
    factories.RelatedLinkFactory(article=site["story"], target=soon, url="", title="")
    url = site["story"].get_absolute_url()
    assert "Coming soon" not in page(url) + page("/")

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(seconds=31))

    assert "Coming soon" in page(url)
    assert "Coming soon" in page("/")


def test_fragments_can_be_turned_off(site, settings, django_assert_max_num_queries):
    settings.NEWSROOM_FRAGMENT_CACHE_SECONDS = 0
    page("/")

    with django_assert_max_num_queries(20) as queries:
        assert "Talks resume" in page("/")

    assert len(queries.captured_queries) >= 5


def test_a_page_keeps_the_keys_of_the_fragments_it_was_built_from(site):
    url = site["story"].get_absolute_url()
    first = Client().get(url)["Surrogate-Key"].split()

    again = Client().get(url)["Surrogate-Key"].split()

    assert again == first
    assert {f"a{site['story'].pk}", f"au{site['writer'].pk}", f"s{site['world'].pk}"} <= set(first)


def test_a_failing_cache_leaves_pages_built_for_each_reader(site, monkeypatch, caplog):
    page("/")

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    for verb in ("get", "get_many", "add", "set", "set_many"):
        monkeypatch.setattr(cache, verb, broken)

    assert "Talks resume" in page(site["story"].get_absolute_url())
    assert "Talks resume" in page("/")
    assert "The cache failed" in caplog.text


def test_a_fragment_another_process_built_anew_is_taken_not_built_again(monkeypatch):
    from collections import OrderedDict

    from articles.caching import fragment_store

    def built(text):
        return lambda stale: {name: (text, {("articles.article", 1)}) for name in stale}

    name = fragment_store.fragment_name("test", 1)
    assert fragment_store.fragments([name], built("first"))[name] == "first"
    versions.keys_stale(["a1"])
    # Another process, whose memory does not hold it, builds it anew.
    ours = fragment_store._memory
    monkeypatch.setattr(fragment_store, "_memory", OrderedDict())
    assert fragment_store.fragments([name], built("second"))[name] == "second"
    monkeypatch.setattr(fragment_store, "_memory", ours)

    def not_again(stale):
        raise AssertionError(f"built again: {stale}")

    assert fragment_store.fragments([name], not_again)[name] == "second"
