import os
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import sitemaps
from articles.models import Article, Byline
from tests import factories
from tests.helpers import HIDDEN_STATES

pytestmark = pytest.mark.django_db

CONFORMANCE_DIR = Path(
    os.environ.get("NEWSROOM_CONFORMANCE_DIR")
    # Beside the project folder, as ../shared/conformance.
    or Path(__file__).resolve().parents[2] / "shared" / "conformance"
)
NAMESPACES = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
NEWS_EXTENSION = {NAMESPACES["news"]: "sitemap-news.xsd"}
SECTIONS = ["pages", "articles", "sections", "authors", "agencies", "tags"]


def xsd(name, extensions=None):
    """A sitemap XSD from the conformance folder, with the extension XSDs its documents use."""
    folder = CONFORMANCE_DIR / "sitemaps"
    extensions = extensions or {}
    missing = [file for file in [name, *extensions.values()] if not (folder / file).is_file()]
    if missing:
        pytest.skip(f"{missing} not in {folder} (set NEWSROOM_CONFORMANCE_DIR)")
    locations = {namespace: str(folder / file) for namespace, file in extensions.items()}
    return xmlschema.XMLSchema(str(folder / name), locations=locations)


def valid(response, schema):
    """The response's XML tree, once it has validated against the schema."""
    assert response["Content-Type"] == "application/xml"
    schema.validate(response.content)
    return ElementTree.fromstring(response.content)


def locations(tree):
    return [loc.text for loc in tree.iterfind(".//sm:loc", NAMESPACES)]


def section_url(section):
    return reverse("sitemap-section", kwargs={"section": section})


@pytest.fixture
def story():
    """A published story in World, by Angela Skujins with AP, tagged Ukraine."""
    section = factories.SectionFactory(slug="world", name="World")
    article = factories.ArticleFactory(
        headline="A visible story", slug="visible", section=section, tags=["Ukraine"]
    )
    author = factories.AuthorFactory(name="Angela Skujins", slug="angela-skujins")
    Byline.objects.create(article=article, author=author, position=0)
    agency = factories.AgencyFactory(short_name="AP", slug="ap")
    Byline.objects.create(article=article, agency=agency, position=1)
    return article


def test_sitemap_index_lists_every_sitemap(client, story):
    tree = valid(client.get(reverse("sitemap-index")), xsd("siteindex.xsd"))

    assert locations(tree) == [f"http://testserver/sitemap-{section}.xml" for section in SECTIONS]
    lastmods = {
        entry.findtext("sm:loc", namespaces=NAMESPACES): entry.findtext(
            "sm:lastmod", None, NAMESPACES
        )
        for entry in tree.iterfind("sm:sitemap", NAMESPACES)
    }
    assert lastmods["http://testserver/sitemap-articles.xml"] == story.published_at.isoformat()


def test_sitemap_index_lists_each_page_of_a_long_sitemap(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    now = timezone.now()
    for hours in (3, 2, 1):
        factories.ArticleFactory(slug=f"story-{hours}", publish_at=now - timedelta(hours=hours))

    index = valid(client.get(reverse("sitemap-index")), xsd("siteindex.xsd"))
    second = valid(client.get(section_url("articles") + "?p=2"), xsd("sitemap.xsd"))

    assert "http://testserver/sitemap-articles.xml?p=2" in locations(index)
    assert locations(second) == ["http://testserver/articles/story-1/"]


@pytest.mark.parametrize(
    ("section", "paths"),
    [
        ("pages", ["/"]),
        ("articles", ["/articles/visible/"]),
        ("sections", ["/sections/world/"]),
        ("authors", ["/authors/angela-skujins/"]),
        ("agencies", ["/agencies/ap/"]),
        ("tags", ["/tags/ukraine/"]),
    ],
)
def test_sitemap_lists_what_readers_can_see(client, story, section, paths):
    tree = valid(client.get(section_url(section)), xsd("sitemap.xsd"))

    assert locations(tree) == [f"http://testserver{path}" for path in paths]


@pytest.mark.parametrize("state", HIDDEN_STATES)
@pytest.mark.parametrize("section", ["articles", "authors", "agencies", "tags"])
def test_sitemap_leaves_out_what_readers_cannot_see(client, story, section, state):
    hidden = factories.ArticleFactory(slug="secret", tags=["Embargoed"], **HIDDEN_STATES[state])
    factories.BylineFactory(article=hidden, author__slug="secret-author")
    factories.BylineFactory(
        article=hidden, author=None, agency=factories.AgencyFactory(slug="secret-agency")
    )
    # The data that could leak is there: the same sitemap lists the published story's pages.
    visible = {
        "articles": "/articles/visible/",
        "authors": "/authors/angela-skujins/",
        "agencies": "/agencies/ap/",
        "tags": "/tags/ukraine/",
    }[section]

    tree = valid(client.get(section_url(section)), xsd("sitemap.xsd"))

    assert locations(tree) == [f"http://testserver{visible}"]


@pytest.mark.parametrize(
    ("first_published", "publish", "updated"),
    [
        (-3, -3, None),  # never updated
        (-3, -3, -1),  # updated later
        (-9, -3, None),  # published again later: readers still see the first date
        (-9, -3, -5),  # updated between the first publication and the second
        (None, -3, None),  # no first publication time recorded
    ],
)
def test_article_sitemap_lastmod_is_the_update_else_publication_time(
    first_published, publish, updated
):
    now = timezone.now()
    hours = {
        "first_published_at": first_published,
        "publish_at": publish,
        "last_updated_at": updated,
    }
    article = factories.ArticleFactory()
    # Set the times directly: save() would derive the first publication time.
    Article.objects.filter(pk=article.pk).update(
        **{field: None if h is None else now + timedelta(hours=h) for field, h in hours.items()}
    )
    article.refresh_from_db()
    sitemap = sitemaps.ArticleSitemap(RequestFactory().get("/sitemap-articles.xml"))

    (item,) = sitemap.items()

    assert sitemap.lastmod(item) == (article.updated_at or article.published_at)
    assert sitemap.get_latest_lastmod() == sitemap.lastmod(item)


def news_entries(tree):
    return [
        {
            "loc": url.findtext("sm:loc", namespaces=NAMESPACES),
            "name": url.findtext("news:news/news:publication/news:name", namespaces=NAMESPACES),
            "language": url.findtext(
                "news:news/news:publication/news:language", namespaces=NAMESPACES
            ),
            "date": url.findtext("news:news/news:publication_date", namespaces=NAMESPACES),
            "title": url.findtext("news:news/news:title", namespaces=NAMESPACES),
        }
        for url in tree.iterfind("sm:url", NAMESPACES)
    ]


def test_news_sitemap_lists_stories_of_the_last_two_days(client):
    now = timezone.now()
    recent = factories.ArticleFactory(
        headline="Today's story", slug="today", publish_at=now - timedelta(hours=5)
    )
    factories.ArticleFactory(slug="old", publish_at=now - timedelta(days=2, minutes=1))
    schema = xsd("sitemap.xsd", NEWS_EXTENSION)

    tree = valid(client.get(reverse("sitemap-news")), schema)

    assert news_entries(tree) == [
        {
            "loc": "http://testserver/articles/today/",
            "name": "Newsroom",
            "language": "en",
            "date": recent.published_at.isoformat(),
            "title": "Today's story",
        }
    ]


def test_news_sitemap_leaves_out_a_story_first_published_earlier(client):
    republished = factories.ArticleFactory(slug="republished")
    Article.objects.filter(pk=republished.pk).update(
        first_published_at=timezone.now() - timedelta(days=3)
    )

    tree = ElementTree.fromstring(client.get(reverse("sitemap-news")).content)

    assert news_entries(tree) == []


def test_news_sitemap_lists_at_most_the_newest_thousand(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_MAX_ARTICLES", 2)
    now = timezone.now()
    for hours in (3, 1, 2):
        factories.ArticleFactory(slug=f"story-{hours}", publish_at=now - timedelta(hours=hours))

    tree = valid(client.get(reverse("sitemap-news")), xsd("sitemap.xsd", NEWS_EXTENSION))

    assert [entry["loc"] for entry in news_entries(tree)] == [
        "http://testserver/articles/story-1/",
        "http://testserver/articles/story-2/",
    ]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_news_sitemap_leaves_out_stories_readers_cannot_see(client, state):
    factories.ArticleFactory(slug="visible")
    factories.ArticleFactory(slug="secret", **HIDDEN_STATES[state])

    tree = ElementTree.fromstring(client.get(reverse("sitemap-news")).content)

    assert [entry["loc"] for entry in news_entries(tree)] == ["http://testserver/articles/visible/"]


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [
        ("en-gb", "en"),
        ("en", "en"),
        ("de-at", "de"),
        ("ast", "ast"),
        ("zh-hans", "zh-cn"),
        ("zh-hant", "zh-tw"),
    ],
)
def test_news_language_is_an_iso_639_code(language_code, expected):
    assert sitemaps.news_language(language_code) == expected


def test_unknown_sitemap_is_not_found(client):
    assert client.get(section_url("photos")).status_code == 404


@pytest.mark.parametrize(
    "url", [reverse("sitemap-index"), section_url("articles"), reverse("sitemap-news")]
)
def test_sitemap_may_be_cached_but_not_indexed(client, story, url):
    response = client.get(url)

    assert set(response["Cache-Control"].split(", ")) >= {"public", "max-age=0", "must-revalidate"}
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"


def test_robots_txt_opens_the_site_and_names_both_sitemaps(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert lines[:3] == ["User-agent: *", "Disallow: /admin/", "Disallow: /search/"]
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        "Sitemap: http://testserver/sitemap.xml",
        "Sitemap: http://testserver/sitemap-news.xml",
    ]


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # articles: count and latest change; sections, authors, agencies and tags: a count each
        (reverse("sitemap-index"), 6),
        # each sitemap: a count, then its page of rows
        (section_url("pages"), 0),
        (section_url("articles"), 2),
        (section_url("sections"), 2),
        (section_url("authors"), 2),
        (section_url("agencies"), 2),
        (section_url("tags"), 2),
        (reverse("sitemap-news"), 2),
    ],
)
def test_sitemap_queries_do_not_grow_with_items(
    client, settings, django_assert_num_queries, url, queries, count
):
    for index in range(count):
        section = factories.SectionFactory(slug=f"s{index}", name=f"S{index}")
        for _ in range(count):
            article = factories.ArticleFactory(section=section, tags=[f"t{index}", "shared"])
            factories.BylineFactory(article=article)
            factories.BylineFactory(article=article, author=None, agency=factories.AgencyFactory())
    # Count the view's own queries: the first request fills the per-process caches (the site
    # row, taggit's content type), and no page cache answers the second.
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    client.get(url)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
