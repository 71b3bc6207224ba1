import io
from datetime import timedelta
from html import unescape
from xml.etree import ElementTree

import feedparser
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles import feeds, renditions
from articles.models import Article, Byline
from tests import factories
from tests.helpers import HIDDEN_STATES
from tests.test_seed import SEED_FIXTURE, SLUG

pytestmark = pytest.mark.django_db

KINDS = ["site", "section", "author", "agency", "tag"]
FORMATS = ["rss", "atom"]
MEDIA_NS = {"media": "http://search.yahoo.com/mrss/"}
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}


def feed_url(kind, fmt, slug=None):
    if kind == "site":
        return reverse(f"articles:feed-{fmt}")
    return reverse(f"articles:{kind}-feed-{fmt}", kwargs={"slug": slug})


def story_feed_url(kind, fmt):
    slug = {
        "site": None,
        "section": "world",
        "author": "angela-skujins",
        "agency": "ap",
        "tag": "ukraine",
    }[kind]
    return feed_url(kind, fmt, slug)


def parse(response):
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


@pytest.fixture
def story():
    """A published story with a lead photo, a byline "Angela Skujins with AP" and a tag."""
    section = factories.SectionFactory(slug="world", name="World", description="World news.")
    photo = factories.PhotoFactory(
        caption="Default caption.", credit_line="Copyright A. Photographer/Agency"
    )
    article = factories.ArticleFactory(
        headline="A visible story's headline",
        standfirst="What happened & why, in one sentence.",
        section=section,
        lead_photo=photo,
        lead_photo_caption="The caption for this story.",
        tags=["Ukraine"],
        publish_at=timezone.now() - timedelta(hours=2),
    )
    author = factories.AuthorFactory(name="Angela Skujins", slug="angela-skujins")
    agency = factories.AgencyFactory(name="The Associated Press", short_name="AP", slug="ap")
    Byline.objects.create(article=article, author=author, position=0)
    Byline.objects.create(article=article, agency=agency, position=1, role=Byline.Role.CONTRIBUTOR)
    return article


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_feed_entry_carries_the_story(client, story, kind, fmt):
    response = client.get(story_feed_url(kind, fmt))

    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    (entry,) = parse(response).entries
    assert entry.title == "A visible story's headline"
    assert entry.link == f"http://testserver{story.get_absolute_url()}"
    assert entry.id == f"tag:testserver,{story.published_at:%Y-%m-%d}:article:{story.pk}"
    assert unescape(entry.summary) == "What happened & why, in one sentence."
    assert entry.published_parsed == story.published_at.utctimetuple()
    assert entry.author == "Angela Skujins with AP"
    assert [tag.term for tag in entry.tags] == ["World", "Ukraine"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_feed_entry_carries_the_lead_photo_as_media_rss(client, story, kind, fmt):
    response = client.get(story_feed_url(kind, fmt))

    (entry,) = parse(response).entries

    photo = story.lead_photo
    # A JPEG rendition, not the photographer's file: it carries no EXIF (no location).
    [rendition] = renditions.available(photo, "original")
    assert entry.media_content == [
        {
            "url": f"http://testserver/media/{rendition['jpeg']}",
            "type": "image/jpeg",
            "medium": "image",
            "width": "64",
            "height": "48",
        }
    ]
    assert entry.media_credit == [{"content": "Copyright A. Photographer/Agency"}]
    # feedparser keeps no media:title, where the alt text is: read it from the XML.
    media_title = ElementTree.fromstring(response.content).find(".//media:title", MEDIA_NS)
    assert media_title.text == photo.alt_text
    # feedparser reads media:description as the entry's plain-text content.
    assert [(content.type, content.value) for content in entry.content] == [
        ("text/plain", "The caption for this story.")
    ]


@pytest.mark.parametrize(
    ("kind", "title", "link", "description"),
    [
        ("site", "Newsroom", "/", "The latest stories from Newsroom."),
        ("section", "World – Newsroom", "/sections/world/", "World news."),
        (
            "author",
            "Angela Skujins – Newsroom",
            "/authors/angela-skujins/",
            "The latest stories by Angela Skujins.",
        ),
        (
            "agency",
            "The Associated Press – Newsroom",
            "/agencies/ap/",
            "The latest stories with The Associated Press.",
        ),
        (
            "tag",
            "Stories tagged “Ukraine” – Newsroom",
            "/tags/ukraine/",
            "The latest stories tagged “Ukraine”.",
        ),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_names_its_page_and_itself(client, story, fmt, kind, title, link, description):
    url = story_feed_url(kind, fmt)

    feed = parse(client.get(url)).feed

    assert feed.title == title
    assert feed.link == f"http://testserver{link}"
    assert feed.subtitle == description
    assert {link.rel: link.href for link in feed.links}["self"] == f"http://testserver{url}"
    assert feed.language == "en-gb"


def test_atom_entry_is_updated_when_the_story_was(client, story):
    story.last_updated_at = timezone.now() - timedelta(minutes=5)
    story.save()

    (entry,) = parse(client.get(feed_url("site", "atom"))).entries

    assert entry.published_parsed == story.published_at.utctimetuple()
    assert entry.updated_parsed == story.last_updated_at.utctimetuple()


def test_feed_entry_without_photo_or_byline_has_no_media_or_author(client):
    factories.ArticleFactory(headline="Brief")

    (entry,) = parse(client.get(feed_url("site", "rss"))).entries

    assert entry.title == "Brief"
    assert "media_content" not in entry
    assert "author" not in entry


def test_feed_entry_author_reads_as_the_printed_byline(client):
    article = factories.ArticleFactory()
    for position, name in enumerate(["Ann Lee", "Bo Chen", "Cy Diaz"]):
        factories.BylineFactory(article=article, author__name=name, position=position)
    factories.BylineFactory(
        article=article,
        author=None,
        agency=factories.AgencyFactory(short_name="AP"),
        role=Byline.Role.CONTRIBUTOR,
        position=3,
    )

    (entry,) = parse(client.get(feed_url("site", "atom"))).entries

    assert entry.author == "Ann Lee, Bo Chen and Cy Diaz with AP"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["Zürich", "Україна"])
def test_feed_of_tag_in_any_script(client, fmt, name):
    factories.ArticleFactory(headline="Tagged story", tags=[name])
    slug = Tag.objects.get(name=name).slug

    parsed = parse(client.get(feed_url("tag", fmt, slug)))

    assert parsed.feed.link == "http://testserver" + reverse(
        "articles:tag-detail", kwargs={"slug": slug}
    )
    assert [entry.title for entry in parsed.entries] == ["Tagged story"]


def test_feed_lists_the_latest_stories_newest_first(client, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_ITEM_COUNT", 2)
    now = timezone.now()
    for hours, headline in [(3, "Oldest"), (1, "Newest"), (2, "Middle")]:
        factories.ArticleFactory(headline=headline, publish_at=now - timedelta(hours=hours))

    entries = parse(client.get(feed_url("site", "rss"))).entries

    assert [entry.title for entry in entries] == ["Newest", "Middle"]


def test_seed_story_entry_carries_its_image_and_credit(client, django_capture_on_commit_callbacks):
    # The importer makes renditions once its transaction has committed.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", str(SEED_FIXTURE), stdout=io.StringIO())
    story = Article.objects.get(slug=SLUG)

    for fmt in FORMATS:
        entries = parse(client.get(feed_url("site", fmt))).entries
        (entry,) = [entry for entry in entries if entry.link.endswith(story.get_absolute_url())]
        assert entry.author == "Angela Skujins with AP"
        (image,) = entry.media_content
        assert image["url"].startswith("http://testserver/media/renditions/")
        assert (image["type"], image["width"], image["height"]) == ("image/jpeg", "1280", "720")
        assert entry.media_credit == [
            {"content": "Copyright Evgeniy Maloletka/Copyright 2024 The AP. All rights reserved"}
        ]
        assert entry.content[0].value.startswith("NATO Secretary General Mark Rutte speaks")


@pytest.mark.parametrize("state", HIDDEN_STATES)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_feed_leaves_out_stories_readers_cannot_see(client, story, kind, fmt, state):
    hidden = factories.ArticleFactory(
        headline="Secret story", section=story.section, tags=["Ukraine"], **HIDDEN_STATES[state]
    )
    Byline.objects.create(article=hidden, author=story.bylines.first().author, position=0)
    Byline.objects.create(article=hidden, agency=story.bylines.last().agency, position=1)
    # The data that could leak is there: the same feed lists the published story.
    entries = parse(client.get(story_feed_url(kind, fmt))).entries

    assert [entry.title for entry in entries] == ["A visible story's headline"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["section", "author", "agency", "tag"])
def test_feed_of_unknown_subject_is_not_found(client, story, kind, fmt):
    assert client.get(feed_url(kind, fmt, "no-such-thing")).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_of_tag_used_only_on_unpublished_stories_is_not_found(client, fmt):
    factories.ArticleFactory(draft=True, tags=["Embargoed merger"])

    assert client.get(feed_url("tag", fmt, "embargoed-merger")).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_may_be_cached_but_is_revalidated_after_every_edit(client, story, fmt):
    response = client.get(feed_url("site", fmt))

    # The page cache's policy: shared caches may keep it, but must ask again, and get a 304.
    assert set(response["Cache-Control"].split(", ")) >= {"public", "max-age=0", "must-revalidate"}
    assert client.get(feed_url("site", fmt), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_feed_queries_do_not_grow_with_stories(
    client, settings, django_assert_num_queries, kind, fmt, count
):
    section = factories.SectionFactory(slug="world", name="World")
    author = factories.AuthorFactory(slug="angela-skujins")
    agency = factories.AgencyFactory(slug="ap")
    for _ in range(count):
        article = factories.ArticleFactory(
            section=section, tags=["Ukraine", "NATO"], lead_photo=factories.PhotoFactory()
        )
        factories.BylineFactory(article=article, author=author)
        factories.BylineFactory(article=article, author=None, agency=agency)
    url = story_feed_url(kind, fmt)
    # Count the view's own queries: the first request fills the per-process caches (the site
    # row, taggit's content type), and no page cache answers the second.
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    client.get(url)
    # articles (with section and photo), bylines, tags; a section, author, agency or tag feed
    # first looks up its subject.
    with django_assert_num_queries(3 if kind == "site" else 4):
        response = client.get(url)
    assert len(parse(response).entries) == count
