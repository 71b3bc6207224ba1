"""
The whole editorial flow in a real browser: a reporter writes and submits a story, an editor
previews and publishes it, and readers find it on the site.
"""

import time

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from tests.pages import (
    PASSWORD,
    SCREENSHOTS,
    chromium,
    live_site_fixture,
    log_in,
    seed_import,
    served_media_root,
)

pytestmark = pytest.mark.django_db

# A busy 2-core CI machine runs Chromium beside the server: give each step room, not a race.
expect.set_options(timeout=20_000)
HEADLINE = "Rutte visits Kyiv to discuss NATO membership"


def populate():
    """The demo seed, with a reporter and an editor who can log in."""
    seed_import()
    for username, role in (("reporter", "Reporter"), ("editor", "Editor")):
        user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))


site = live_site_fixture(populate)
media_root = served_media_root
browser = chromium


def choose(page, select_id, search, shown=None):
    """Pick an option in one of the admin's autocomplete (select2) fields by typing."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    option = page.locator(".select2-results__option--highlighted")
    expect(option).to_contain_text(shown or search)
    option.click()


def test_reporter_writes_editor_publishes_readers_read(site, browser):
    started = time.perf_counter()

    # A reporter writes the story, with photo, an agency byline and two "Read more" links.
    reporter = log_in(browser, site, "reporter")
    reporter.goto(f"{site.url}/admin/articles/article/add/")
    reporter.fill("#id_headline", HEADLINE)
    reporter.fill("#id_standfirst", "The alliance's chief met the president in the capital.")
    reporter.locator(".ProseMirror:visible").click()
    reporter.keyboard.type("NATO's secretary general arrived in Kyiv on Thursday.")
    choose(reporter, "id_section", "World")
    # Tags: typed into the tags box, where a comma ends each one.
    reporter.locator(".field-tags .select2-search__field").press_sequentially("NATO, Ukraine,")
    choose(reporter, "id_lead_photo", "NATO Secretary General")
    choose(reporter, "id_bylines-0-agency", "Associated", shown="AP")
    choose(reporter, "id_related_links-0-target", "Does Ukraine really")
    reporter.click("#related_links-group .add-row a")
    reporter.fill("#id_related_links-1-url", "https://www.nato.int/")
    reporter.fill("#id_related_links-1-title", "NATO's own site")
    reporter.select_option("#id_status", "review")
    reporter.click("input[name=_continue]")
    expect(reporter.locator(".messagelist .success")).to_be_visible()
    # The browser is the only client here: the ORM would open a second database connection on
    # Playwright's thread (see tests/test_pages_checked.py).
    # Submitted, the story is the editors' now: the reporter sees it read-only.
    change_url = reporter.url
    expect(reporter.locator(".field-status .readonly")).to_have_text("In review")
    story_url = "/articles/" + reporter.locator(".field-slug .readonly").inner_text() + "/"
    reader = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    assert reader.goto(f"{site.url}{story_url}").status == 404

    # An editor previews it, then publishes it now.
    editor = log_in(browser, site, "editor")
    editor.goto(change_url)
    editor.click("a.viewsitelink")
    expect(editor.locator(".preview-banner")).to_be_visible()
    editor.go_back()
    editor.select_option("#id_status", "published")
    editor.locator("#id_publish_at_0 ~ .datetimeshortcuts a", has_text="Today").click()
    editor.locator("#id_publish_at_1 ~ .datetimeshortcuts a", has_text="Now").click()
    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist .success")).to_be_visible()

    # Readers find it on the site.
    response = reader.goto(f"{site.url}{story_url}")
    assert response.status == 200
    expect(reader.locator("h1")).to_have_text(HEADLINE)
    expect(reader.locator(".byline")).to_have_text("By AP")
    expect(reader.locator(".related li")).to_have_count(2)
    expect(reader.locator("article figure img")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader.screenshot(path=SCREENSHOTS / "editor-flow-published-375.png", full_page=True)
    home = reader.goto(f"{site.url}/")
    assert HEADLINE in home.text()

    elapsed = time.perf_counter() - started
    print(f"editor flow: {elapsed:.1f} s")
