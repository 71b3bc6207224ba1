"""The reference story, imported from the demo fixture, shows every fact of the seed."""

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command

from articles.models import Article

SEED_FIXTURE = Path(settings.BASE_DIR) / "articles" / "fixtures" / "demo" / "seed.json"
SLUG = "nato-secretary-general-says-ukraine-will-join-alliance-in-the-future"

pytestmark = pytest.mark.django_db


def text(element):
    return " ".join(element.get_text().split())


@pytest.fixture
def page(client, django_capture_on_commit_callbacks):
    # The lead photo and its caption are shown once its renditions, made after commit, exist.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", str(SEED_FIXTURE), stdout=io.StringIO())
    response = client.get(Article.objects.get(slug=SLUG).get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_headline(page):
    assert text(page.h1) == "NATO secretary-general says Ukraine will join alliance 'in the future'"
    assert text(page.title).startswith("NATO secretary-general says Ukraine will join alliance")


def test_lead_photo_caption_and_credit_are_in_the_figure_caption(page):
    figcaption = page.select_one("article figure figcaption")

    assert text(figcaption.select_one(".caption")) == (
        "NATO Secretary General Mark Rutte speaks to journalists during a joint press "
        "conference with Ukrainian President Volodymyr Zelenskyy in Kyiv, Ukraine, "
        "on 3 October 2024."
    )
    assert text(figcaption.select_one(".credit")) == (
        "Copyright Evgeniy Maloletka/Copyright 2024 The AP. All rights reserved"
    )
    image = page.select_one("article figure img")
    assert image["alt"].startswith("Placeholder image")
    assert (image["width"], image["height"]) == ("1600", "900")


def test_byline(page):
    byline = page.select_one("article .byline")

    assert text(byline) == "By Angela Skujins with AP"
    assert byline.a["href"] == "/authors/angela-skujins/"


def test_publication_time(page):
    assert page.select_one(".dates time")["datetime"] == "2024-10-17T12:00:00+00:00"


def test_body_with_sub_heading_and_advertisement_between_paragraphs(page):
    body = page.select_one(".article-body")
    blocks = [child for child in body.children if getattr(child, "name", None)]

    assert text(blocks[0]).startswith("President Volodymyr Zelenskyy said Ukraine's NATO")
    assert blocks[1]["class"] == ["ad-slot"] and text(blocks[1]) == "Advertisement"
    assert text(blocks[2]).startswith("Ukraine will be a member of NATO “in the future,”")
    assert [text(h) for h in body.find_all("h2")] == ["'In this for the long haul'"]
    assert (
        text(blocks[-1])
        == "Zelenskyy and Rutte will attend a joint press conference later on Thursday."
    )
    assert len(body.find_all("p", recursive=False)) == 18
    # The seed's one slot follows the first paragraph; later slots keep their distance.
    slots = body.select(".ad-slot")
    assert len(slots) == 1 + (18 - 1 - 1) // settings.NEWSROOM_AD_SLOT_EVERY
    for slot in slots:
        assert slot.find_previous_sibling().name == "p" and slot.find_next_sibling().name == "p"


def test_read_more_links(page):
    related = page.select_one("aside.related")

    assert text(related.h2) == "Read more"
    assert [text(a) for a in related.select("li a")] == [
        "NATO chief talks defence with Italian prime minister in Rome",
        "Does Ukraine really want to go nuclear?",
        "Australia approves major no-strings-attached tank donation to Ukraine",
    ]


def test_placeholder_read_more_articles_say_they_are_placeholders(client, page):
    link = page.select_one("aside.related li a")["href"]

    stub = BeautifulSoup(client.get(link).content, "html.parser")

    assert text(stub.select_one(".standfirst")).startswith("Demo placeholder:")
    assert "Demo placeholder" in text(stub.select_one(".article-body"))


def test_demo_fixture_imports_once(capsys):
    call_command("import_articles", str(SEED_FIXTURE))
    call_command("import_articles", str(SEED_FIXTURE))

    # Each run ends with its rate: "4 articles read in 0.1 s (40 articles/s)".
    out = [
        line for line in capsys.readouterr().out.splitlines() if " articles read in " not in line
    ]
    assert out == [
        f"{SEED_FIXTURE}: created 8, updated 0, unchanged 0, failed 0",
        f"{SEED_FIXTURE}: created 0, updated 0, unchanged 8, failed 0",
    ]


def test_section_page_says_the_publication_times_are_placeholders(client, page):
    section_url = page.select_one(".kicker a")["href"]

    header = BeautifulSoup(client.get(section_url).content, "html.parser").select_one(
        ".list-header"
    )

    assert "publication times of these stories are placeholders" in text(header)
