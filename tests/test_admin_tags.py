"""
Tags on the article form: names picked from the site's tags (the suggestions the tags box asks
for) or typed new, each sent whole, so commas, quotes and any script survive the round trip.
"""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from taggit.models import Tag

from articles.models import Article
from tests import factories
from tests.pages import PASSWORD, SCREENSHOTS, live_site, log_in, open_chromium

pytestmark = pytest.mark.django_db

# A busy 2-core CI machine runs Chromium beside the server: give each step room, not a race.
expect.set_options(timeout=20_000)

ADD_URL = reverse("admin:articles_article_add")
SUGGESTIONS_URL = reverse("admin:articles_article_tag_names")


def suggested(client, term):
    response = client.get(SUGGESTIONS_URL, {"term": term})
    assert response["Content-Type"] == "application/json"
    return [result["text"] for result in response.json()["results"]]


def article_form(section, tags):
    now = timezone.now() - timedelta(minutes=5)
    data = {
        "headline": "Ukraine will join NATO",
        "slug": "ukraine-nato",
        "standfirst": "Summary",
        "body": "<p>One</p>",
        "section": str(section.pk),
        "tags": tags,
        "article_type": "news",
        "status": "published",
        "publish_at_0": now.strftime("%Y-%m-%d"),
        "publish_at_1": now.strftime("%H:%M:%S"),
    }
    for prefix in ("bylines", "related_links", "corrections"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def test_suggestions_contain_the_term_those_starting_with_it_first(editor_client):
    for name in ["Ukraine", "NATO summit", "Summits", "Kyiv", "G7 summit"]:
        Tag.objects.create(name=name)

    assert suggested(editor_client, "summit") == ["Summits", "G7 summit", "NATO summit"]
    assert suggested(editor_client, "  SUMMIT ") == ["Summits", "G7 summit", "NATO summit"]
    assert suggested(editor_client, "kyiv") == ["Kyiv"]
    assert suggested(editor_client, "Brussels") == []


def test_suggestions_are_at_most_twenty_in_one_query(editor_client, django_assert_num_queries):
    Tag.objects.bulk_create(Tag(name=f"Tag {n:02}", slug=f"tag-{n:02}") for n in range(30))

    # The session, the user, the user's and its groups' permissions, the tags.
    with django_assert_num_queries(5):
        names = suggested(editor_client, "tag")

    assert names == [f"Tag {n:02}" for n in range(20)]


@pytest.mark.parametrize(
    "name", ["Washington, D.C.", 'The "special operation"', "Київ", "東京", 'Smith, John "Jr"']
)
def test_suggestions_and_saved_tags_keep_any_name_whole(editor_client, name):
    Tag.objects.create(name=name)
    section = factories.SectionFactory()

    assert suggested(editor_client, name[:4]) == [name]
    response = editor_client.post(ADD_URL, article_form(section, [name, "NATO"]))

    assert response.status_code == 302
    article = Article.objects.get(slug="ukraine-nato")
    assert sorted(tag.name for tag in article.tags.all()) == sorted([name, "NATO"])
    assert Tag.objects.filter(name=name).count() == 1


def test_change_form_shows_the_article_tags_chosen_in_the_tags_box(editor_client):
    article = factories.ArticleFactory(tags=["Washington, D.C.", "NATO"])

    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    page = BeautifulSoup(response.content, "html.parser")

    select = page.select_one("select#id_tags[multiple]")
    assert select["name"] == "tags"
    assert select["data-tag-suggestions"] == SUGGESTIONS_URL
    assert sorted((o["value"], o.has_attr("selected")) for o in select.select("option")) == [
        ("NATO", True),
        ("Washington, D.C.", True),
    ]
    scripts = [script["src"] for script in page.select("script[src]")]
    assert "/static/articles/tags.js" in scripts
    assert scripts.index("/static/admin/js/jquery.init.js") < scripts.index(
        "/static/articles/tags.js"
    )


def test_form_saves_names_trimmed_once_each_and_removes_the_others(editor_client):
    article = factories.ArticleFactory(slug="ukraine-nato", tags=["Old"])
    data = article_form(article.section, ["  NATO  ", "NATO", "", "New   tag"])
    data["version"] = BeautifulSoup(
        editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content,
        "html.parser",
    ).select_one("input[name=version]")["value"]

    response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 302
    assert sorted(tag.name for tag in article.tags.all()) == ["NATO", "New tag"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("!!!", "“!!!” is not a usable tag: it needs at least one letter or digit."),
        ("x" * 101, f"“{'x' * 101}” is too long for a tag: at most 100 characters."),
    ],
)
def test_form_refuses_an_unusable_tag_and_shows_it_again(editor_client, name, message):
    response = editor_client.post(ADD_URL, article_form(factories.SectionFactory(), [name]))

    page = BeautifulSoup(response.content, "html.parser")
    assert [li.get_text() for li in page.select(".field-tags .errorlist li")] == [message]
    assert [o["value"] for o in page.select("select#id_tags option[selected]")] == [name]
    assert not Article.objects.exists()


def test_suggestions_are_for_staff_who_write_articles(client):
    Tag.objects.create(name="Embargoed merger")

    anonymous = client.get(SUGGESTIONS_URL, {"term": "merger"})
    client.force_login(factories.UserFactory(is_staff=True))
    staff_without_articles = client.get(SUGGESTIONS_URL, {"term": "merger"})
    client.force_login(factories.ReporterFactory())

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    assert staff_without_articles.status_code == 403
    assert b"merger" not in staff_without_articles.content
    assert suggested(client, "merger") == ["Embargoed merger"]


# In Chromium: the tags box as editors use it.


def populate():
    """Tags the site has, a section, and an editor who signs in."""
    for name in ["Washington, D.C.", "Київ", "NATO"]:
        Tag.objects.create(name=name)
    factories.SectionFactory(name="World", slug="world")
    editor = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    with live_site(django_db_blocker, tmp_path_factory.mktemp("media"), populate) as server:
        yield server


@pytest.fixture
def browser():
    with open_chromium() as browser:
        yield browser


def test_editor_picks_site_tags_and_types_new_ones(site, browser):
    tab = log_in(browser, site, "editor", width=1280)
    tab.goto(f"{site.url}{ADD_URL}")
    tab.fill("#id_headline", "Test story with tags")
    tab.fill("#id_standfirst", "Test data: tags picked in the browser.")
    tab.locator(".ProseMirror:visible").click()
    tab.keyboard.type("Test body.")
    tab.locator("#id_section + .select2").click()
    tab.locator(".select2-container--open .select2-search__field").fill("World")
    tab.locator(".select2-results__option--highlighted", has_text="World").click()
    search = tab.locator(".field-tags .select2-search__field")

    # A tag of the site, suggested as the editor types part of it, commas and all.
    search.fill("washing")
    suggestion = tab.locator(".select2-results__option--highlighted")
    expect(suggestion).to_have_text("Washington, D.C.")
    suggestion.click()
    # Any script; Enter picks the site's spelling, listed before the new tag it would make.
    search.fill("киї")
    expect(tab.locator(".select2-results__option").first).to_have_text("Київ")
    search.press("Enter")
    # New tags: a comma ends one, unless it is inside double quotes.
    search.press_sequentially('Brand new tag, "Smith, John"')
    expect(tab.locator(".field-tags .select2-selection__choice")).to_have_count(3)
    expect(suggestion).to_have_text("Smith, John (new tag)")
    search.press("Enter")
    expect(tab.locator(".field-tags .select2-selection__choice")).to_have_count(4)
    tab.screenshot(path=SCREENSHOTS / "admin-article-tags-1280.png")
    tab.click("input[name=_continue]")

    expect(tab.locator(".messagelist .success")).to_be_visible()
    chosen = tab.locator("select#id_tags option:checked")
    assert sorted(chosen.all_inner_texts()) == [
        "Brand new tag",
        "Smith, John",
        "Washington, D.C.",
        "Київ",
    ]
