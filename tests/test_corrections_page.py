"""
The corrections page and its feeds: every correction of a story readers may see, newest first,
each linking to the story it corrects; none of a story they may not see.
"""

from datetime import timedelta
from html import unescape
from unittest import mock

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import caching, services
from articles.models import Article, Correction
from articles.views import CorrectionListView
from tests import factories
from tests.helpers import HIDDEN_STATES

pytestmark = pytest.mark.django_db

PAGE = "/corrections/"
FEEDS = {"rss": "/corrections/feed/", "atom": "/corrections/feed/atom/"}
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}
# A reader who misses the page cache after a change also costs the lookup of the next
# scheduled publication (made once per content version), as on every page (test_views).
PAGE_CACHE_MISS = 1


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    return " ".join(element.get_text().split())


def entries(response):
    """
    The corrections a page lists, each as ((section, its link), (headline, its link), the
    machine-readable time, text).
    """
    found = []
    for entry in soup(response).select("main .card"):
        section, body = entry.select_one(".kicker a"), entry.select("p")[-1]
        found.append(
            (
                (text(section), section["href"]),
                (text(entry.h2), entry.h2.a["href"]),
                entry.select_one(".dates time")["datetime"],
                text(body),
            )
        )
    return found


def machine_time(moment):
    """A time as a <time datetime> holds it: local, in whole seconds."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def parse(response):
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def correct(article, wording, *, hours_ago):
    """A correction of `article` published `hours_ago` hours ago."""
    return Correction.objects.create(
        article=article, text=wording, published_at=timezone.now() - timedelta(hours=hours_ago)
    )


@pytest.fixture
def stories():
    """Two published stories in two sections, both published before any correction."""
    world = factories.SectionFactory(slug="world", name="World")
    sport = factories.SectionFactory(slug="sport", name="Sport")
    published = timezone.now() - timedelta(days=2)
    summit = factories.ArticleFactory(
        headline="Summit ends", slug="summit-ends", section=world, publish_at=published
    )
    final = factories.ArticleFactory(
        headline="Cup final", slug="cup-final", section=sport, publish_at=published
    )
    return summit, final


@pytest.fixture
def per_page():
    """Pages of `count` corrections: the view reads its page size when the module loads."""

    def patch(count):
        return mock.patch.object(CorrectionListView, "paginate_by", count)

    return patch


def test_page_and_feeds_have_their_names_and_addresses():
    assert [
        reverse("articles:corrections"),
        reverse("articles:corrections-feed-rss"),
        reverse("articles:corrections-feed-atom"),
    ] == [PAGE, FEEDS["rss"], FEEDS["atom"]]


def test_corrections_page_lists_every_correction_newest_first(client, stories):
    summit, final = stories
    oldest = correct(summit, "The summit's date was wrong.", hours_ago=30)
    newest = correct(summit, "A delegate's name was misspelt.", hours_ago=1)
    middle = correct(final, "The score was 2–1, not 3–1.", hours_ago=5)

    response = client.get(PAGE)

    assert response.status_code == 200
    world = ("World", summit.section.get_absolute_url())
    sport = ("Sport", final.section.get_absolute_url())
    assert entries(response) == [
        (
            world,
            ("Summit ends", f"/articles/summit-ends/#correction-{newest.pk}"),
            machine_time(newest.published_at),
            "A delegate's name was misspelt.",
        ),
        (
            sport,
            ("Cup final", f"/articles/cup-final/#correction-{middle.pk}"),
            machine_time(middle.published_at),
            "The score was 2–1, not 3–1.",
        ),
        (
            world,
            ("Summit ends", f"/articles/summit-ends/#correction-{oldest.pk}"),
            machine_time(oldest.published_at),
            "The summit's date was wrong.",
        ),
    ]


def test_corrections_at_the_same_time_are_newest_row_first(client, stories):
    summit, final = stories
    at = timezone.now() - timedelta(hours=1)
    first = Correction.objects.create(article=summit, text="First.", published_at=at)
    second = Correction.objects.create(article=final, text="Second.", published_at=at)

    links = [entry[1][1] for entry in entries(client.get(PAGE))]

    assert links == [second.get_absolute_url(), first.get_absolute_url()]


def test_each_link_leads_to_the_correction_at_the_story_foot(client, stories):
    summit, _ = stories
    correction = services.article_correction_add(article=summit, text="The date was wrong.")
    [entry] = entries(client.get(PAGE))

    path, anchor = entry[1][1].split("#")
    story = soup(client.get(path))

    assert story.find(id=anchor) is not None
    assert anchor == f"correction-{correction.pk}"
    assert "The date was wrong." in text(story.find(id=anchor))


def test_corrections_page_names_itself_and_its_feeds(client, stories):
    correct(stories[0], "The date was wrong.", hours_ago=1)

    page = soup(client.get(PAGE))

    assert text(page.title) == "Corrections – Newsroom"
    assert page.find("meta", attrs={"name": "description"})["content"].startswith(
        "Every correction Newsroom has published"
    )
    assert page.find("link", rel="canonical")["href"] == "http://testserver/corrections/"
    assert [heading.name for heading in page.main.find_all(["h1", "h2", "h3"])] == ["h1", "h2"]
    assert text(page.h1) == "Corrections"
    feeds = {
        link["type"]: link["href"]
        for link in page.find_all("link", rel="alternate")
        if link["title"].startswith("Corrections")
    }
    assert feeds == {
        "application/rss+xml": FEEDS["rss"],
        "application/atom+xml": FEEDS["atom"],
    }


def test_corrections_page_says_when_there_are_none(client, stories):
    response = client.get(PAGE)

    assert response.status_code == 200
    assert entries(response) == []
    assert "No corrections have been published." in text(soup(response).main)


def test_every_page_links_to_the_corrections_in_its_footer(client, stories):
    for url in ["/", stories[0].get_absolute_url(), stories[0].section.get_absolute_url()]:
        footer = soup(client.get(url)).select_one("footer.site-footer")

        assert footer.find("a", href=reverse("articles:corrections")).get_text() == "Corrections"


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_corrections_of_stories_readers_cannot_see_are_not_shown(client, stories, state):
    hidden = factories.ArticleFactory(
        headline="Secret story", slug="secret", section=stories[0].section, **HIDDEN_STATES[state]
    )
    correct(hidden, "The secret figure was wrong.", hours_ago=1)
    correct(stories[0], "The date was wrong.", hours_ago=2)
    # The data that could leak is there: the same page shows the published story's correction.
    response = client.get(PAGE)

    page = response.content.decode()
    assert [entry[3] for entry in entries(response)] == ["The date was wrong."]
    assert "Secret story" not in page
    assert "secret figure" not in page
    assert "/articles/secret/" not in page


@pytest.mark.parametrize("state", HIDDEN_STATES)
@pytest.mark.parametrize("fmt", FEEDS)
def test_feeds_leave_out_corrections_of_stories_readers_cannot_see(client, stories, fmt, state):
    hidden = factories.ArticleFactory(
        headline="Secret story", slug="secret", section=stories[0].section, **HIDDEN_STATES[state]
    )
    correct(hidden, "The secret figure was wrong.", hours_ago=1)
    correct(stories[0], "The date was wrong.", hours_ago=2)
    # The data that could leak is there: the same feed carries the published story's correction.
    response = client.get(FEEDS[fmt])

    assert [entry.title for entry in parse(response).entries] == ["Correction: Summit ends"]
    assert b"Secret story" not in response.content
    assert b"secret figure" not in response.content
    assert b"/articles/secret/" not in response.content


def test_corrections_page_is_paginated_newest_first(client, stories, per_page):
    wordings = [f"Correction number {number}." for number in range(5)]
    for hours_ago, wording in enumerate(wordings):
        correct(stories[hours_ago % 2], wording, hours_ago=hours_ago + 1)

    with per_page(2):
        pages = [client.get(PAGE), client.get(PAGE + "?page=2"), client.get(PAGE + "?page=3")]
        beyond = client.get(PAGE + "?page=4")

    assert [[entry[3] for entry in entries(page)] for page in pages] == [
        wordings[0:2],
        wordings[2:4],
        wordings[4:5],
    ]
    first, second, last = (soup(page) for page in pages)
    assert first.find("a", rel="prev") is None
    assert first.find("a", rel="next")["href"] == "?page=2"
    assert (second.find("a", rel="prev")["href"], second.find("a", rel="next")["href"]) == (
        "?page=1",
        "?page=3",
    )
    assert last.find("a", rel="next") is None
    assert text(second.select_one(".pagination span")) == "Page 2 of 3"
    assert second.find("link", rel="canonical")["href"] == "http://testserver/corrections/?page=2"
    assert beyond.status_code == 404


@pytest.mark.parametrize("fmt", FEEDS)
def test_feed_entries_carry_the_corrections_newest_first(client, stories, fmt):
    summit, final = stories
    older = correct(summit, "The date was wrong & so was the place.", hours_ago=3)
    newer = correct(final, "The score was wrong.", hours_ago=1)

    response = client.get(FEEDS[fmt])

    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    parsed = parse(response)
    assert parsed.feed.title == "Corrections – Newsroom"
    assert parsed.feed.link == "http://testserver/corrections/"
    assert [
        (
            entry.title,
            entry.link,
            entry.id,
            unescape(entry.summary),
            entry.published_parsed,
            [tag.term for tag in entry.tags],
        )
        for entry in parsed.entries
    ] == [
        (
            f"Correction: {story.headline}",
            f"http://testserver{correction.get_absolute_url()}",
            f"tag:testserver,{correction.published_at:%Y-%m-%d}:correction:{correction.pk}",
            correction.text,
            correction.published_at.utctimetuple(),
            [story.section.name],
        )
        for story, correction in [(final, newer), (summit, older)]
    ]


@pytest.mark.parametrize("fmt", FEEDS)
def test_feed_entry_ids_stay_when_the_story_moves(client, stories, fmt, committed):
    summit, _ = stories
    correct(summit, "The date was wrong.", hours_ago=1)
    before = parse(client.get(FEEDS[fmt])).entries[0]

    with committed():
        summit.slug = "summit-ends-in-agreement"
        services.article_save(article=summit)
    after = parse(client.get(FEEDS[fmt])).entries[0]

    assert after.id == before.id
    assert after.link != before.link
    assert "/articles/summit-ends-in-agreement/#correction-" in after.link


def kept(url):
    """
    The page at `url` kept, as on a site that has run a while: each key it shows has a version
    from before it was built (a key with none counts as just changed, and would make any
    change look as if it made the page stale).
    """
    caching.keys_stale(Client().get(url)["Surrogate-Key"].split())
    Client().get(url)
    response = Client().get(url)
    assert response["X-Cache"] == "HIT", url
    return response


@pytest.mark.parametrize("url", [PAGE, *FEEDS.values()])
def test_a_new_correction_shows_to_the_next_reader(url, stories, committed):
    summit, final = stories
    correct(summit, "The date was wrong.", hours_ago=2)
    kept(url)

    # To a story the page does not show yet, as stored (as an editor's form has it).
    with committed():
        services.article_correction_add(
            article=Article.objects.get(pk=final.pk), text="A name was misspelt."
        )
    after = Client().get(url)

    assert after["X-Cache"] == "MISS"
    assert "A name was misspelt." in after.content.decode()


@pytest.mark.parametrize("url", [PAGE, *FEEDS.values()])
def test_a_corrected_story_leaving_and_reaching_readers_shows_to_the_next_reader(
    url, stories, committed
):
    summit, final = stories
    correct(summit, "The date was wrong.", hours_ago=2)
    correct(final, "The score was wrong.", hours_ago=1)
    assert "The date was wrong." in kept(url).content.decode()

    with committed():
        services.article_unpublish(article=Article.objects.get(pk=summit.pk))
    withdrawn = Client().get(url).content.decode()
    kept(url)
    with committed():
        services.article_publish(article=Article.objects.get(pk=summit.pk))
    republished = Client().get(url).content.decode()

    assert "The date was wrong." not in withdrawn
    assert "The score was wrong." in withdrawn
    assert "The date was wrong." in republished


@pytest.mark.parametrize("url", [PAGE, *FEEDS.values()])
def test_a_renamed_section_shows_to_the_next_reader(url, stories, committed):
    summit, _ = stories
    correct(summit, "The date was wrong.", hours_ago=1)
    kept(url)

    with committed():
        summit.section.name = "Foreign news"
        services.content_save(instance=summit.section, fields=["name"])

    assert "Foreign news" in Client().get(url).content.decode()


@pytest.mark.parametrize("url", [PAGE, *FEEDS.values()])
def test_page_and_feeds_stay_kept_through_changes_they_do_not_show(url, stories, committed):
    """
    The page and feeds carry the corrections' own key and the list of published stories:
    an edit to a story with no correction, or to an author, leaves them kept; a correction
    added anywhere makes them stale.
    """
    summit, final = stories
    correct(summit, "The date was wrong.", hours_ago=1)
    author = factories.AuthorFactory(name="Ana Writer")
    factories.BylineFactory(article=final, author=author)
    first = kept(url)

    with committed():
        author.name = "Ana Writer-Smith"
        services.content_save(instance=author, fields=["name"])
    after_author = Client().get(url)["X-Cache"]
    with committed():
        final = Article.objects.get(pk=final.pk)
        final.headline = "Cup final goes to extra time"
        services.article_save(article=final)
    after_article = Client().get(url)["X-Cache"]
    with committed():
        services.article_correction_add(article=final, text="The score was wrong.")
    after_correction = Client().get(url)["X-Cache"]

    assert {"corrections", "a-list", f"a{summit.pk}", "sections"} <= set(
        first["Surrogate-Key"].split()
    )
    assert "a-any" not in first["Surrogate-Key"].split()
    assert f"a{final.pk}" not in first["Surrogate-Key"].split()
    assert (after_author, after_article, after_correction) == ("HIT", "HIT", "MISS")


@pytest.mark.parametrize("count", [1, 3])
def test_corrections_page_queries_do_not_grow_with_corrections(
    client, django_assert_num_queries, count
):
    for index in range(count):
        section = factories.SectionFactory(slug=f"section-{index}", name=f"Section {index}")
        article = factories.ArticleFactory(section=section, lead_photo=factories.PhotoFactory())
        factories.BylineFactory(article=article)
        correct(article, f"Correction {index}.", hours_ago=index + 1)

    # The count, the page's ids, its corrections (with their stories and sections), the
    # navigation sections, the breaking-news banner.
    with django_assert_num_queries(5 + PAGE_CACHE_MISS):
        response = client.get(PAGE)

    assert len(entries(response)) == count


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("fmt", FEEDS)
def test_corrections_feed_queries_do_not_grow_with_corrections(
    client, settings, django_assert_num_queries, fmt, count
):
    for index in range(count):
        section = factories.SectionFactory(slug=f"section-{index}", name=f"Section {index}")
        article = factories.ArticleFactory(section=section, lead_photo=factories.PhotoFactory())
        factories.BylineFactory(article=article)
        correct(article, f"Correction {index}.", hours_ago=index + 1)
    # Count the view's own queries: the first request fills the per-process caches (the site
    # row), and no page cache answers the second.
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    client.get(FEEDS[fmt])

    # The corrections, with their stories and sections.
    with django_assert_num_queries(1):
        response = client.get(FEEDS[fmt])

    assert len(parse(response).entries) == count
