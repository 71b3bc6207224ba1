"""Corrections are appended, shown at the foot of the article and in its JSON-LD, never lost."""

from datetime import timedelta

import extruct
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Correction
from tests import factories
from tests.test_admin import article_form, errors

pytestmark = pytest.mark.django_db


def page(client, article):
    return BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")


def text(element):
    return " ".join(element.get_text().split())


@pytest.fixture
def article():
    return factories.ArticleFactory(publish_at=timezone.now() - timedelta(days=1))


def test_correction_is_shown_at_the_foot_of_the_article_with_its_time(client, article):
    correction = services.article_correction_add(
        article=article, text="An earlier version gave the wrong date for the summit."
    )

    section = page(client, article).select_one("article .corrections")

    assert text(section.h2) == "Correction"
    [item] = section.select("li")
    assert item["id"] == f"correction-{correction.pk}"
    assert item.time["datetime"] == correction.published_at.isoformat(timespec="seconds")
    assert text(item).endswith(": An earlier version gave the wrong date for the summit.")


def test_a_correction_marks_the_article_updated(client, article):
    correction = services.article_correction_add(article=article, text="Fixed a name.")

    article.refresh_from_db()
    dates = page(client, article).select(".dates time")

    assert article.last_updated_at == correction.published_at
    assert dates[1]["datetime"] == correction.published_at.isoformat(timespec="seconds")


def test_corrections_are_in_the_json_ld(client, article):
    first = services.article_correction_add(article=article, text="First fix.")
    second = services.article_correction_add(article=article, text="Second fix.")

    html = client.get(article.get_absolute_url()).content.decode()
    data = extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])["json-ld"]
    [news] = [item for item in data if item["@type"] == "NewsArticle"]

    assert [(c["@type"], c["text"], c["datePublished"]) for c in news["correction"]] == [
        ("CorrectionComment", "First fix.", first.published_at.isoformat()),
        ("CorrectionComment", "Second fix.", second.published_at.isoformat()),
    ]
    assert news["dateModified"] == second.published_at.isoformat()


def test_a_correction_to_an_unpublished_draft_does_not_invent_an_update(article):
    draft = factories.ArticleFactory(status=Article.Status.DRAFT, publish_at=None)

    services.article_correction_add(article=draft, text="Typo.")

    draft.refresh_from_db()
    assert draft.last_updated_at is None


def test_editor_appends_a_correction_in_the_admin(editor_client, editor, article):
    data = article_form(
        article.section,
        slug=article.slug,
        corrections=[{"text": "The minister's name was misspelt."}],
    )

    response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 302, errors(response)
    [correction] = article.corrections.all()
    assert (correction.text, correction.created_by) == ("The minister's name was misspelt.", editor)
    article.refresh_from_db()
    assert article.last_updated_at == correction.published_at


def test_a_forged_post_cannot_edit_or_delete_a_correction(editor_client, article):
    correction = services.article_correction_add(article=article, text="The original text.")
    data = article_form(
        article.section,
        slug=article.slug,
        corrections=[
            {"id": str(correction.pk), "text": "Rewritten history.", "DELETE": "on"},
        ],
        correction_initial=1,
    )

    editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert list(Correction.objects.values_list("text", flat=True)) == ["The original text."]


@pytest.mark.parametrize("ticked", [True, False])
def test_substantive_change_box_sets_the_updated_time(editor_client, article, ticked):
    before = timezone.now()
    data = article_form(article.section, slug=article.slug, headline="A new headline")
    if ticked:
        data["substantive_change"] = "on"

    response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert (article.last_updated_at is not None and article.last_updated_at >= before) is ticked


def test_the_updated_time_cannot_be_typed_into_the_form(editor_client, article):
    data = article_form(article.section, slug=article.slug)
    data.update({"last_updated_at_0": "2030-01-01", "last_updated_at_1": "00:00:00"})

    editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    article.refresh_from_db()
    assert article.last_updated_at is None
