"""Article types and datelines: labelled for readers, typed for crawlers, carried by ninjs."""

import json

import extruct
import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from articles import services, syndication
from articles.importing import import_file, ninjs_read
from articles.models import Article
from tests import factories

pytestmark = pytest.mark.django_db

SCHEMA_TYPES = {
    "news": "NewsArticle",
    "opinion": "OpinionNewsArticle",
    "analysis": "AnalysisNewsArticle",
    "explainer": "BackgroundNewsArticle",
    "review": "ReviewNewsArticle",
    "sponsored": "AdvertiserContentArticle",
}
LABELS = {
    "news": None,
    "opinion": "Opinion",
    "analysis": "Analysis",
    "explainer": "Explainer",
    "review": "Review",
    "sponsored": "Sponsored by Acme Bank",
}


def story(kind, **fields):
    sponsor = "Acme Bank" if kind == "sponsored" else ""
    return factories.ArticleFactory(
        slug=f"a-{kind}", article_type=kind, sponsor=sponsor, dateline="KYIV", **fields
    )


def json_ld(response):
    data = extruct.extract(
        response.content.decode(), base_url="http://testserver/", syntaxes=["json-ld"]
    )
    return [item for item in data["json-ld"] if item["@type"] != "BreadcrumbList"]


def label(element):
    found = element.select_one(".label")
    return found.get_text(strip=True) if found else None


@pytest.mark.parametrize("kind", SCHEMA_TYPES)
def test_each_type_is_labelled_and_typed_on_its_page(client, kind):
    article = story(kind)

    response = client.get(article.get_absolute_url())

    page = BeautifulSoup(response.content, "html.parser")
    assert label(page.select_one(".article-header")) == LABELS[kind]
    [data] = json_ld(response)
    assert data["@type"] == SCHEMA_TYPES[kind]
    assert data.get("sponsor") == (
        {"@type": "Organization", "name": "Acme Bank"} if kind == "sponsored" else None
    )
    # A dateline belongs to news and its kinds; paid content is not news.
    assert data.get("dateline") == (None if kind == "sponsored" else "KYIV")
    assert page.select_one(".article-body > .dateline").get_text() == "KYIV"


def test_sponsored_content_says_who_paid_for_it_on_the_page(client):
    article = story("sponsored")

    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")

    assert page.select_one(".sponsor-note").get_text() == "This content was paid for by Acme Bank."


@pytest.mark.parametrize("kind", SCHEMA_TYPES)
def test_cards_carry_the_label(client, kind):
    article = story(kind)

    page = BeautifulSoup(client.get(article.section.get_absolute_url()).content, "html.parser")

    [card] = page.select(".card")
    assert label(card) == LABELS[kind]


def test_the_label_is_escaped(client):
    article = story("sponsored")
    Article.objects.filter(pk=article.pk).update(sponsor="<script>alert(1)</script>")

    response = client.get(article.get_absolute_url())

    assert b"<script>alert(1)" not in response.content
    assert (
        "Sponsored by <script>alert(1)</script>"
        in BeautifulSoup(response.content, "html.parser").select_one(".label").get_text()
    )


@pytest.mark.parametrize(
    ("kind", "sponsor", "message"),
    [
        ("sponsored", "", "must say who paid"),
        ("sponsored", "   ", "must say who paid"),
        ("opinion", "Acme Bank", "Only sponsored content"),
        ("news", "Acme Bank", "Only sponsored content"),
    ],
)
def test_a_sponsor_goes_with_sponsored_content_and_only_with_it(kind, sponsor, message):
    article = factories.ArticleFactory.build(
        slug="paid", section=factories.SectionFactory(), article_type=kind, sponsor=sponsor
    )

    with pytest.raises(ValidationError) as refused:
        services.article_save(article=article)

    assert message in " ".join(refused.value.message_dict["sponsor"])
    assert not Article.objects.filter(slug="paid").exists()


def test_an_unknown_type_is_refused():
    article = factories.ArticleFactory.build(
        slug="odd", section=factories.SectionFactory(), article_type="gossip"
    )

    with pytest.raises(ValidationError) as refused:
        services.article_save(article=article)

    assert "article_type" in refused.value.message_dict


# Fixtures and ninjs.


def fixture(tmp_path, **article):
    data = {
        "sections": [{"slug": "world", "name": "World"}],
        "articles": [{"slug": "story", "headline": "A story", "section": "world", **article}],
    }
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_fixture_sets_type_sponsor_and_dateline(tmp_path):
    path = fixture(tmp_path, article_type="sponsored", sponsor="Acme Bank", dateline="Brussels")

    assert import_file(path).ok

    article = Article.objects.get()
    assert (article.article_type, article.sponsor, article.dateline) == (
        "sponsored",
        "Acme Bank",
        "Brussels",
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"article_type": "gossip"}, "article_type"),
        ({"article_type": "sponsored"}, "sponsor"),
        ({"sponsor": "Acme Bank"}, "sponsor"),
        ({"dateline": "x" * 101}, "dateline"),
    ],
)
def test_a_fixture_with_a_bad_type_is_refused_by_field(tmp_path, fields, field):
    report = import_file(fixture(tmp_path, **fields))

    assert not report.ok
    assert field in [problem.field for problem in report.problems]
    assert not Article.objects.exists()


@pytest.mark.parametrize("version", syndication.VERSIONS)
@pytest.mark.parametrize("kind", ["news", "opinion", "review", "explainer", "analysis"])
def test_ninjs_carries_genre_and_dateline_there_and_back(tmp_path, settings, version, kind):
    settings.NEWSROOM_SITE_URL = "https://news.example"
    article = story(kind)
    document = syndication.article_ninjs(
        Article.objects.for_detail().get(pk=article.pk), version=version
    )
    assert list(ninjs_read._validator(version).iter_errors(document)) == []
    assert document["located"] == "KYIV"
    Article.objects.all().delete()
    (tmp_path / "item.json").write_text(json.dumps(document), encoding="utf-8")

    report = import_file(tmp_path / "item.json", section=article.section.slug)

    assert report.ok, [str(p) for p in report.problems]
    imported = Article.objects.get()
    assert (imported.article_type, imported.dateline) == (kind, "KYIV")


def test_ninjs_advertiser_content_is_imported_for_an_editor_to_check(tmp_path, settings):
    settings.NEWSROOM_SITE_URL = "https://news.example"
    article = story("sponsored")
    document = syndication.article_ninjs(
        Article.objects.for_detail().get(pk=article.pk), version="3.1"
    )
    assert document["genres"][0]["uri"].endswith("/genre/Advertiser_Supplied")
    Article.objects.all().delete()
    (tmp_path / "item.json").write_text(json.dumps(document), encoding="utf-8")

    report = import_file(tmp_path / "item.json", section=article.section.slug)

    assert report.ok
    assert Article.objects.get().article_type == "news"
    assert any("names no sponsor" in warning.message for warning in report.warnings)
