"""Text is clean at every door, and outputs stay well-formed whatever is stored."""

import json
import os

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from articles import services, text
from articles.importing import import_file
from articles.models import Article, Author, Photo, Section
from tests import factories
from tests.test_admin import article_form, change_url, errors

# Every character class the normaliser treats: controls, line breaks, combining marks.
HOSTILE = "\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f\x80\x9f\ufffe\uffff"


def test_clean_removes_controls_and_composes():
    assert text.clean(f"Kyiv{HOSTILE} summit\r\nsecond line") == "Kyiv summit\nsecond line"
    assert text.clean("Cafe\u0301", multiline=False) == "Caf\u00e9"
    assert text.clean(" One\nline\ttabbed ", multiline=False) == "One line tabbed"


def test_clean_refuses_a_lone_surrogate():
    with pytest.raises(ValidationError) as refused:
        text.clean("broken \ud800 text")

    assert refused.value.code == "surrogate"


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=["Cs"]), max_size=60))
def test_clean_leaves_nothing_xml_forbids_and_changes_nothing_twice(value):
    once = text.clean(value)

    assert not text.XML_ILLEGAL.search(once)
    assert text.clean(once) == once
    assert text.clean(value, multiline=False) == text.clean(once, multiline=False)


@pytest.mark.django_db
def test_the_admin_form_stores_clean_text(editor_client):
    article = factories.ArticleFactory(slug="ukraine-nato")
    form = article_form(
        article.section,
        # NUL is refused by the form itself, with its own message (tested below).
        headline=f"Summit{HOSTILE.replace(chr(0), '')} in Kyiv",
        standfirst="Line one\r\nline two\x1b",
        tags=["NATO\x01", "Ukraine"],
    )

    response = editor_client.post(change_url(article), form)

    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Summit in Kyiv", "Line one\nline two")
    assert sorted(article.tags.names()) == ["NATO", "Ukraine"]
    refused = editor_client.post(change_url(article), {**form, "headline": "Nul\x00"})
    assert "Null characters are not allowed." in errors(refused)


@pytest.mark.django_db
def test_the_importer_stores_clean_text_in_every_kind(tmp_path):
    (tmp_path / "p.jpg").write_bytes(factories.image_bytes())
    data = {
        "sections": [{"slug": "world", "name": f"World{HOSTILE}", "description": "A\x0bB"}],
        "agencies": [{"slug": "ap", "name": "Associated\x1bPress", "short_name": "AP\x00"}],
        "photos": [{"id": "p", "image": "p.jpg", "alt_text": "Alt\x07", "caption": "Cap\x08"}],
        "authors": [{"slug": "jo", "name": "Jo\x1f Writer", "bio": "Bio\x7f"}],
        "articles": [
            {
                "slug": "story",
                "headline": "Head\x0cline",
                "section": "world",
                "tags": ["Tag\x01"],
                "bylines": [{"author": "jo"}],
                "related_links": [{"url": "https://example.org/", "title": "Ti\x02tle"}],
            }
        ],
    }
    path = tmp_path / "f.json"
    path.write_text(json.dumps(data))

    report = import_file(path)

    assert report.ok, report.problems
    section, article = Section.objects.get(), Article.objects.get()
    assert (section.name, section.description) == ("World", "AB")
    assert (Photo.objects.get().alt_text, Author.objects.get().name) == ("Alt", "Jo Writer")
    assert (article.headline, list(article.tags.names())) == ("Headline", ["Tag"])
    assert article.related_links.get().title == "Title"


@pytest.mark.django_db
def test_a_lone_surrogate_in_an_import_is_refused_with_record_and_field(tmp_path):
    path = tmp_path / "f.json"
    path.write_text(
        '{"sections": [{"slug": "world", "name": "World"}],'
        ' "articles": [{"slug": "a", "headline": "Bad \\ud800 text", "section": "world"}]}'
    )

    report = import_file(path)

    assert [(p.record, p.field) for p in report.problems] == [
        ("record articles[1] (a)", "headline")
    ]
    assert "lone UTF-16 surrogate" in report.problems[0].message
    assert not Section.objects.exists()


@pytest.mark.django_db
def test_a_text_longer_than_any_newsroom_needs_is_refused_and_says_so():
    article = factories.ArticleFactory()
    article.standfirst = "x" * 2_001

    with pytest.raises(ValidationError) as refused:
        services.article_save(article=article)

    assert "at most 2000 characters (it has 2001)" in str(refused.value)


@pytest.mark.django_db
def test_feeds_and_sitemaps_stay_well_formed_whatever_is_stored(client):
    article = factories.ArticleFactory(headline="Clean", slug="story", tags=["Tag"])
    factories.BylineFactory(article=article, author__name="Jo Writer")
    # Stored before text was cleaned at the door: written around the write path on purpose
    # (PostgreSQL cannot store NUL at all; SQLite can).
    stored = HOSTILE if connection.vendor == "sqlite" else HOSTILE.replace("\x00", "")
    Article.objects.filter(pk=article.pk).update(headline=f"Old{stored} headline")
    Author.objects.update(name="Jo\x01 Writer")

    for url in ["/feed/", "/feed/atom/", "/tags/tag/feed/", "/sitemap-news.xml"]:
        response = client.get(url)
        assert response.status_code == 200, url
        etree.fromstring(response.content)  # well-formed, or it raises
        if "feed" in url:
            assert feedparser.parse(response.content).bozo == 0, url
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Old headline" in page and not text.XML_ILLEGAL.search(page)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/search/?q=%00", 200),
        ("/search/?q=nato%00%01news", 200),
        ("/tags/a%00b/", 404),
        ("/tags/a%00b/feed/", 404),
        ("/articles/story%00/", 404),
        ("/sections/news/?page=1%00", 200),
    ],
)
def test_control_characters_in_a_request_never_reach_the_database(client, url, status):
    factories.ArticleFactory(slug="story", headline="NATO news", tags=["a"])

    response = client.get(url)

    assert response.status_code == status


@given(st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)))
def test_the_byte_check_finds_exactly_what_the_character_check_finds(value):
    # Surrogates included, as a broken value would carry them.
    data = value.encode("utf-8", "surrogatepass")

    assert text.utf8_has_xml_illegal(data) == bool(text.XML_ILLEGAL.search(value))


@pytest.mark.parametrize(
    "character", ["\x00", "\x1f", "\x7f", "\x85", "\ufffe", "\uffff", "\ud800"]
)
def test_the_byte_check_finds_each_forbidden_kind(character):
    data = f"<p>before{character}after</p>".encode("utf-8", "surrogatepass")

    assert text.utf8_has_xml_illegal(data)
    assert not text.utf8_has_xml_illegal("<p>fine · “quoted” 한국 😀</p>".encode())
