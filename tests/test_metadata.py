"""What crawlers and link previews read: JSON-LD and Open Graph, as extruct extracts them."""

import io
from datetime import timedelta
from fractions import Fraction

import extruct
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command

from articles.models import Article
from tests import factories
from tests.test_seed import SEED_FIXTURE, SLUG

pytestmark = pytest.mark.django_db


def extract(response):
    return extruct.extract(
        response.content.decode(),
        base_url="http://testserver/",
        syntaxes=["json-ld", "opengraph"],
        uniform=True,
    )


@pytest.fixture
def seed_page(client, django_capture_on_commit_callbacks):
    # The importer makes renditions once its transaction has committed.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", str(SEED_FIXTURE), stdout=io.StringIO())
    article = Article.objects.get(slug=SLUG)
    return article, extract(client.get(article.get_absolute_url()))


def of_type(data, type_name):
    return [item for item in data["json-ld"] if item.get("@type") == type_name]


def test_seed_article_is_one_news_article_with_what_google_asks_for(seed_page):
    article, data = seed_page

    [news] = of_type(data, "NewsArticle")

    url = f"http://testserver{article.get_absolute_url()}"
    assert news["headline"] == (
        "NATO secretary-general says Ukraine will join alliance 'in the future'"
    )
    assert news["mainEntityOfPage"]["@id"] == url
    assert news["datePublished"] == "2024-10-17T12:00:00+00:00"
    assert news["dateModified"] == "2024-10-17T12:00:00+00:00"
    assert news["author"] == [
        {
            "@type": "Person",
            "name": "Angela Skujins",
            "url": "http://testserver/authors/angela-skujins/",
        },
        {
            "@type": "Organization",
            "name": "The Associated Press",
            "url": "http://testserver/agencies/ap/",
        },
    ]
    assert news["publisher"]["@type"] == "NewsMediaOrganization"
    assert news["publisher"]["name"] == settings.NEWSROOM_SITE_NAME
    logo = news["publisher"]["logo"]
    assert logo["url"] == "http://testserver/static/img/publisher-logo.png"
    assert (logo["width"], logo["height"]) == (600, 60)
    assert news["articleSection"] == "World"


def test_seed_article_image_comes_in_three_aspect_ratios_with_credit_and_rights(seed_page):
    article, data = seed_page

    [news] = of_type(data, "NewsArticle")

    ratios = [Fraction(image["width"], image["height"]) for image in news["image"]]
    assert ratios == [Fraction(16, 9), Fraction(4, 3), Fraction(1, 1)]
    for image in news["image"]:
        assert image["url"].startswith("http://testserver/media/")
        assert image["width"] >= 900
        assert image["creditText"] == (
            "Copyright Evgeniy Maloletka/Copyright 2024 The AP. All rights reserved"
        )
        assert image["copyrightNotice"] == article.lead_photo.copyright_notice
        assert image["creator"] == {"@type": "Person", "name": "Evgeniy Maloletka"}
        assert image["caption"].startswith("NATO Secretary General Mark Rutte speaks")


def test_seed_article_has_breadcrumbs_home_section_article(seed_page):
    article, data = seed_page

    [breadcrumbs] = of_type(data, "BreadcrumbList")

    assert [
        (item["position"], item["name"], item["item"]) for item in breadcrumbs["itemListElement"]
    ] == [
        (1, settings.NEWSROOM_SITE_NAME, "http://testserver/"),
        (2, "World", "http://testserver/sections/world/"),
        (3, article.headline, f"http://testserver{article.get_absolute_url()}"),
    ]


def test_seed_article_open_graph_tags(client, seed_page):
    article, _ = seed_page
    html = client.get(article.get_absolute_url()).content.decode()
    # Not "uniform": that keeps one value per property, and an article has several tags.
    [og] = extruct.extract(html, base_url="http://testserver/", syntaxes=["opengraph"])["opengraph"]
    properties = og["properties"]
    first = dict(reversed(properties))

    assert first["og:type"] == "article"
    assert first["og:title"] == article.headline
    assert first["og:url"] == f"http://testserver{article.get_absolute_url()}"
    assert first["og:locale"] == "en_GB"
    assert first["og:image"].startswith("http://testserver/media/")
    size = int(first["og:image:width"]), int(first["og:image:height"])
    assert Fraction(*size) == Fraction(16, 9) and size[0] >= 1200
    assert first["og:image:alt"] == article.lead_photo.alt_text
    assert first["article:published_time"] == "2024-10-17T12:00:00+00:00"
    assert first["article:modified_time"] == "2024-10-17T12:00:00+00:00"
    assert first["article:section"] == "World"
    assert [value for name, value in properties if name == "article:author"] == [
        "http://testserver/authors/angela-skujins/"
    ]
    assert [value for name, value in properties if name == "article:tag"] == [
        tag.name for tag in article.tags.all()
    ]


def test_updated_article_says_so_in_date_modified(client):
    article = factories.ArticleFactory()
    article.last_updated_at = article.published_at + timedelta(minutes=5)
    article.save()

    [news] = of_type(extract(client.get(article.get_absolute_url())), "NewsArticle")

    assert news["dateModified"] == article.last_updated_at.isoformat()
    assert news["datePublished"] == article.published_at.isoformat()


@pytest.mark.parametrize("hostile", ["</script><script>alert(1)</script>", "<!--", "a & b > c"])
def test_json_ld_cannot_be_broken_out_of(client, hostile):
    article = factories.ArticleFactory(headline=f"Headline {hostile}", standfirst=hostile)

    response = client.get(article.get_absolute_url())

    [news] = of_type(extract(response), "NewsArticle")
    assert news["headline"] == f"Headline {hostile}"
    assert news["description"] == hostile
    assert b"<script>alert(1)" not in response.content


def test_list_pages_name_themselves_and_their_feeds(client):
    section = factories.SectionFactory(slug="world", name="World")
    factories.ArticleFactory(section=section)

    html = client.get(section.get_absolute_url()).content.decode()

    [og] = extract_html(html)["opengraph"]
    properties = dict(og["properties"])
    assert (properties["og:type"], properties["og:title"]) == ("website", "World")
    feeds = BeautifulSoup(html, "html.parser").find_all("link", rel="alternate")
    assert [(link["type"], link["href"]) for link in feeds] == [
        ("application/rss+xml", "/feed/"),
        ("application/atom+xml", "/feed/atom/"),
        ("application/rss+xml", "/sections/world/feed/"),
        ("application/atom+xml", "/sections/world/feed/atom/"),
    ]
    assert feeds[2]["title"] == f"World – {settings.NEWSROOM_SITE_NAME}"


def extract_html(html):
    return extruct.extract(html, base_url="http://testserver/", syntaxes=["opengraph"])
