"""Curated fronts: editors pin the lead and top stories of the home page and of each section."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from articles import caching, services, views
from articles.models import Article, FrontArrangement
from newsroom.audit.models import AuditEntry
from tests import factories
from tests.pages import vnu_errors

pytestmark = pytest.mark.django_db

PAGE_CACHE_MISS = 1


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def headlines(response, selector):
    return [a.get_text() for a in soup(response).select(f"{selector} .card-headline a")]


@pytest.fixture
def stories():
    """Five stories in two sections, the newest last; each an hour apart."""
    world = factories.SectionFactory(slug="world", name="World", order=1)
    sport = factories.SectionFactory(slug="sport", name="Sport", order=2)
    now = timezone.now()
    return [
        factories.ArticleFactory(
            headline=f"Story {n}",
            slug=f"story-{n}",
            section=world if n % 2 else sport,
            publish_at=now - timedelta(hours=10 - n),
        )
        for n in range(5)
    ]


def pin_in_admin(client, *articles, section=None, **fields):
    """Post the admin's form, as an editor would: the first story leads."""
    data = {
        "section": str(section.pk) if section else "",
        "takes_effect_at_0": "",
        "takes_effect_at_1": "",
        "note": "Election night",
        "slots-TOTAL_FORMS": "9",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "9",
        **fields,
    }
    for index in range(9):
        article = articles[index] if index < len(articles) else None
        data[f"slots-{index}-order"] = str(index) if article else ""
        data[f"slots-{index}-article"] = str(article.pk) if article else ""
    return client.post("/admin/articles/frontarrangement/add/", data)


def test_an_editor_pins_the_lead_of_the_home_page_and_it_leads(editor_client, stories, committed):
    oldest = stories[0]
    with committed():
        response = pin_in_admin(editor_client, oldest, stories[2])
    assert response.status_code == 302, soup(response).select(".errorlist")
    editor_client.logout()

    home = editor_client.get("/")

    assert headlines(home, ".lead-story") == ["Story 0"]
    assert headlines(home, ".top-stories") == ["Story 2"]
    # The rest fills itself by recency, without the pinned stories again.
    rails = headlines(home, ".rail:not(.top-stories)")
    assert sorted(rails) == ["Story 1", "Story 3", "Story 4"]
    entry = AuditEntry.objects.get(content_type__model="frontarrangement")
    assert entry.summary == "Lead: Story 0; then Story 2"
    assert entry.door == "admin"


def embargoed(article):
    article.embargoed_until = timezone.now() + timedelta(hours=1)
    return article


@pytest.mark.parametrize(
    "take_down",
    [
        lambda article: services.article_unpublish(article=article),
        lambda article: services.article_save(article=embargoed(article)),
    ],
    ids=["unpublished", "embargoed"],
)
def test_a_story_that_stops_being_public_leaves_its_slot(client, stories, committed, take_down):
    services.front_arrange(articles=[stories[0]])
    assert headlines(client.get("/"), ".lead-story") == ["Story 0"]  # Kept in the cache now.

    with committed():
        take_down(Article.objects.get(pk=stories[0].pk))

    home = client.get("/")
    assert headlines(home, ".lead-story") == ["Story 4"]
    assert "Story 0" not in home.content.decode()


def test_a_pinned_draft_waits_for_its_publication(client, stories):
    draft = factories.ArticleFactory(headline="Not yet", slug="not-yet", draft=True)
    services.front_arrange(articles=[draft, stories[1]])

    home = client.get("/")

    assert headlines(home, ".lead-story") == ["Story 1"]
    assert "Not yet" not in home.content.decode()


def test_a_section_front_leads_its_list_without_repeating_a_story(client, stories, monkeypatch):
    # List views read their page size when the module loads.
    monkeypatch.setattr(views.PublishedArticlesMixin, "paginate_by", 1)
    world = stories[1].section
    services.front_arrange(section=world, articles=[stories[1]])

    first = client.get("/sections/world/")
    second = client.get("/sections/world/?page=2")

    # World has stories 1 and 3; 1 is pinned, so it leads although 3 is newer, and the
    # pages still hold each story once.
    assert headlines(first, ".cards") == ["Story 1"]
    assert headlines(second, ".cards") == ["Story 3"]
    assert client.get("/sections/world/?page=3").status_code == 404
    # The home page is not the section's front.
    assert headlines(client.get("/"), ".lead-story") == ["Story 4"]


def test_rearranging_a_front_makes_stale_its_pages_and_no_other(client, stories, committed):
    world = stories[1].section
    for address in ("/", "/sections/world/", "/sections/sport/", stories[3].get_absolute_url()):
        client.get(address)

    with committed():
        services.front_arrange(section=world, articles=[stories[1]])

    caches = {
        address: client.get(address)["X-Cache"]
        for address in ("/", "/sections/world/", "/sections/sport/", stories[3].get_absolute_url())
    }
    assert caches == {
        "/": "HIT",
        "/sections/world/": "MISS",
        "/sections/sport/": "HIT",
        stories[3].get_absolute_url(): "HIT",
    }
    with committed():
        services.front_arrange(articles=[stories[0]])
    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/sections/world/")["X-Cache"] == "HIT"


def test_a_scheduled_arrangement_takes_effect_by_itself(client, stories, monkeypatch):
    now = timezone.now()
    services.front_arrange(articles=[stories[0]], takes_effect_at=now + timedelta(seconds=30))
    assert headlines(client.get("/"), ".lead-story") == ["Story 4"]
    # No page is kept past the change.
    assert 0 < caching.seconds_until_next_publication(now) <= 30

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(seconds=31))
    page_entries_expired(monkeypatch)

    assert headlines(client.get("/"), ".lead-story") == ["Story 0"]


def page_entries_expired(monkeypatch):
    from django.core.cache import cache

    get, get_many = cache.get, cache.get_many
    monkeypatch.setattr(
        cache,
        "get",
        lambda key, *a, **k: None if key.startswith("newsroom:page:") else get(key, *a, **k),
    )
    monkeypatch.setattr(
        cache,
        "get_many",
        lambda keys, *a, **k: {
            key: value
            for key, value in get_many(keys, *a, **k).items()
            if not key.startswith("newsroom:page:")
        },
    )


def test_the_history_is_kept_and_an_old_arrangement_restored(stories, committed):
    first = services.front_arrange(articles=[stories[0], stories[1]], note="Morning")
    services.front_arrange(articles=[stories[2]], note="Noon")

    with committed():
        restored = services.front_restore(arrangement=first)

    assert FrontArrangement.objects.count() == 3
    assert [slot.article_id for slot in restored.slots.all()] == [stories[0].pk, stories[1].pk]
    assert restored.note.startswith("Restored the arrangement of")


def test_a_scheduled_arrangement_can_be_called_off_and_a_past_one_cannot(stories, committed):
    past = services.front_arrange(articles=[stories[0]])
    later = services.front_arrange(
        articles=[stories[1]], takes_effect_at=timezone.now() + timedelta(hours=2)
    )

    with committed():
        services.front_cancel(arrangement=later)

    assert list(FrontArrangement.objects.all()) == [past]
    with pytest.raises(ValidationError, match="history is kept"):
        services.front_cancel(arrangement=past)
    assert AuditEntry.objects.filter(action="delete").count() == 1


@pytest.mark.parametrize(
    ("how", "field"),
    [
        ({"count": 10}, "slots"),
        ({"twice": True}, "slots"),
        ({"takes_effect_at": timedelta(hours=-1)}, "takes_effect_at"),
        ({"note": "x" * 201}, "note"),
    ],
)
def test_a_bad_arrangement_is_refused_and_nothing_written(how, field):
    stories = [factories.ArticleFactory(slug=f"s{n}") for n in range(how.get("count", 2))]
    if how.get("twice"):
        stories.append(stories[0])
    when = timezone.now() + how["takes_effect_at"] if "takes_effect_at" in how else None

    with pytest.raises(ValidationError) as refused:
        services.front_arrange(articles=stories, takes_effect_at=when, note=how.get("note", ""))

    assert field in refused.value.message_dict
    assert not FrontArrangement.objects.exists()


def test_reporters_do_not_arrange_fronts(client, stories):
    reporter = factories.ReporterFactory()

    with pytest.raises(PermissionDenied):
        services.front_arrange(articles=[stories[0]], user=reporter)
    client.force_login(reporter)
    assert pin_in_admin(client, stories[0]).status_code == 403
    assert not FrontArrangement.objects.exists()


def test_the_admin_refuses_a_past_time_and_a_story_twice_with_messages(editor_client, stories):
    past = timezone.localtime() - timedelta(hours=2)
    response = pin_in_admin(
        editor_client,
        stories[0],
        stories[0],
        takes_effect_at_0=past.strftime("%Y-%m-%d"),
        takes_effect_at_1=past.strftime("%H:%M:%S"),
    )

    assert response.status_code == 200
    errors = " ".join(e.get_text() for e in soup(response).select(".errorlist, .errornote"))
    assert "That time has passed" in errors
    assert not FrontArrangement.objects.exists()


def test_staff_preview_an_arrangement_before_it_takes_effect(editor_client, stories):
    reader = Client()
    later = services.front_arrange(
        articles=[stories[0]], takes_effect_at=timezone.now() + timedelta(hours=2), note="Later"
    )

    preview = editor_client.get(f"/?front={later.pk}")

    assert headlines(preview, ".lead-story") == ["Story 0"]
    assert "Preview: Home page as arranged" in soup(preview).select_one(".preview-banner").text
    assert "no-store" in preview["Cache-Control"]
    assert preview["X-Robots-Tag"] == "noindex, nofollow"
    # Readers see the front in effect; the preview address is nothing to them.
    assert headlines(reader.get("/"), ".lead-story") == ["Story 4"]
    # Anyone else asking for it gets the front in effect.
    assert headlines(reader.get(f"/?front={later.pk}"), ".lead-story") == ["Story 4"]
    assert editor_client.get("/?front=x").status_code == 404
    section = stories[1].section
    assert editor_client.get(f"{section.get_absolute_url()}?front={later.pk}").status_code == 404


def test_a_section_preview_shows_its_banner(editor_client, stories):
    world = stories[1].section
    later = services.front_arrange(
        section=world, articles=[stories[1]], takes_effect_at=timezone.now() + timedelta(hours=1)
    )

    preview = editor_client.get(f"/sections/world/?front={later.pk}")

    assert headlines(preview, ".cards") == ["Story 1", "Story 3"]
    assert "Preview: World as arranged" in soup(preview).select_one(".preview-banner").text
    assert "no-store" in preview["Cache-Control"]


@pytest.mark.parametrize("count", [1, 3])
def test_home_page_queries_do_not_grow_with_pinned_stories(
    client, stories, django_assert_num_queries, count
):
    services.front_arrange(articles=stories[:count])
    # The pinned stories, the other stories' ids and sections, the rails' sections, the
    # navigation and the banner; the cards (lead, top stories, rails): their articles and
    # bylines.
    with django_assert_num_queries(9 + PAGE_CACHE_MISS):
        response = client.get("/")
    assert len(headlines(response, ".top-stories")) == count - 1


@pytest.mark.parametrize("count", [1, 3])
def test_the_admin_list_of_arrangements_costs_the_same_however_many(
    editor_client, stories, django_assert_num_queries, count
):
    for n in range(count):
        services.front_arrange(articles=stories[: n + 1])
    editor_client.get("/admin/articles/frontarrangement/")

    # Session, user, permissions; the sections to filter by; the count, the page's
    # arrangements with their sections, their stories.
    with django_assert_num_queries(9) as queries:
        response = editor_client.get("/admin/articles/frontarrangement/")

    assert response.status_code == 200, queries
    assert len(soup(response).select("#result_list tbody tr")) == count


def test_the_staff_preview_of_a_front_is_valid_html(editor_client, stories, tmp_path):
    world = stories[1].section
    later = timezone.now() + timedelta(hours=2)
    home = services.front_arrange(articles=[stories[0], stories[2]], takes_effect_at=later)
    section = services.front_arrange(section=world, articles=[stories[1]], takes_effect_at=later)
    pages = {
        "home-preview": editor_client.get(f"/?front={home.pk}"),
        "section-preview": editor_client.get(f"/sections/world/?front={section.pk}"),
    }
    for name, response in pages.items():
        assert response.status_code == 200
        (tmp_path / f"{name}.html").write_bytes(response.content)

    errors = vnu_errors(sorted(tmp_path.glob("*.html")))

    assert errors == {"home-preview": [], "section-preview": []}
