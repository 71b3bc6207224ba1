"""The breaking-news banner: switched on and off by editors, shown over every page meanwhile."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services
from articles.models import Article, Banner
from newsroom.audit.models import AuditEntry
from tests import factories
from tests.helpers import HIDDEN_STATES

pytestmark = pytest.mark.django_db


def banner_of(response):
    found = BeautifulSoup(response.content, "html.parser").select_one("aside.breaking")
    return " ".join(found.get_text().split()) if found else None


@pytest.fixture
def site(db):
    story = factories.ArticleFactory(headline="Leaders agree", slug="agree")
    return {
        "home": "/",
        "article": story.get_absolute_url(),
        "section": story.section.get_absolute_url(),
        "search": "/search/?q=x",
        "404": "/articles/no-such-story/",
    }


def test_a_banner_switched_on_is_over_every_page_until_switched_off(client, site, committed):
    for address in site.values():
        assert banner_of(client.get(address)) is None  # Now kept, without a banner.

    with committed():
        services.banner_show(text="NATO leaders agree", article=Article.objects.get(slug="agree"))

    for address in site.values():
        response = client.get(address)
        assert banner_of(response) == "Breaking NATO leaders agree", address
    link = BeautifulSoup(client.get("/").content, "html.parser").select_one(".breaking a")
    assert link["href"] == "/articles/agree/"

    with committed():
        services.banner_hide()

    assert {banner_of(client.get(address)) for address in site.values()} == {None}


def test_a_new_banner_replaces_the_one_shown(client, site, committed):
    with committed():
        first = services.banner_show(text="First")
    with committed():
        services.banner_show(text="Second")

    assert banner_of(client.get("/")) == "Breaking Second"
    first.refresh_from_db()
    assert first.shown_until is not None
    assert list(Banner.objects.shown()) == [Banner.objects.get(text="Second")]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_a_story_readers_cannot_see_is_not_linked(client, committed, state):
    hidden = factories.ArticleFactory(slug="secret", **HIDDEN_STATES[state])
    with committed():
        services.banner_show(text="Something happened", article=hidden)

    response = client.get("/")

    assert banner_of(response) == "Breaking Something happened"
    assert b"/articles/secret/" not in response.content


def test_the_link_goes_when_the_story_is_taken_down(client, site, committed):
    story = Article.objects.get(slug="agree")
    with committed():
        services.banner_show(text="Leaders agree", article=story)
    assert b"/articles/agree/" in client.get("/").content

    with committed():
        services.article_unpublish(article=Article.objects.get(slug="agree"))

    assert b'href="/articles/agree/"' not in client.get("/").content


def test_only_editors_switch_it_and_it_is_audited(committed):
    reporter = factories.ReporterFactory()
    with pytest.raises(PermissionDenied):
        services.banner_show(text="Not mine to say", user=reporter)
    with pytest.raises(PermissionDenied):
        services.banner_hide(user=reporter)
    editor = factories.EditorFactory()

    with committed():
        services.banner_show(text="Said by an editor", user=editor)
    with committed():
        services.banner_hide(user=editor)

    actions = AuditEntry.objects.filter(content_type__model="banner").values_list(
        "action", "username"
    )
    assert sorted(actions) == [("change", editor.username), ("create", editor.username)]


@pytest.mark.parametrize("text", ["", "   ", "x" * 201])
def test_a_bad_text_is_refused_and_nothing_changes(text):
    services.banner_show(text="Kept")

    with pytest.raises(ValidationError):
        services.banner_show(text=text)

    assert [banner.text for banner in Banner.objects.shown()] == ["Kept"]


def test_the_admin_switches_it_on_and_off(editor_client, site):
    response = editor_client.post("/admin/articles/banner/add/", {"text": "From the admin"})
    assert response.status_code == 302
    editor_client.logout()
    assert banner_of(editor_client.get("/")) == "Breaking From the admin"
    editor = factories.EditorFactory()
    editor_client.force_login(editor)

    editor_client.post(
        "/admin/articles/banner/",
        {"action": "switch_off", "_selected_action": [Banner.objects.get().pk]},
    )

    editor_client.logout()
    assert banner_of(editor_client.get("/")) is None
