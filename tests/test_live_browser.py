"""
A live blog in real browsers: an editor posts updates in the admin while a reader's page,
never reloaded, shows each one as it comes and says so to screen readers.
"""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from articles import services
from articles.models import Article
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
SLUG = "nato-summit-live"


def populate():
    """The demo seed, a live blog in its section, and an editor who can log in."""
    seed_import()
    world = Article.objects.get(slug__startswith="nato-secretary").section
    services.article_save(
        article=Article(
            headline="NATO defence ministers meet: live",
            slug=SLUG,
            section=world,
            article_type=Article.Type.LIVE,
            standfirst="Test live blog: its updates are posted by the test.",
            status=Article.Status.PUBLISHED,
            publish_at=Article.objects.get(slug__startswith="nato-secretary").publish_at,
        )
    )
    editor = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))


def prepare(server):
    """What the tests read from the database, before Chromium starts."""
    server.blog_pk = Article.objects.get(slug=SLUG).pk


site = live_site_fixture(populate, prepare)
media_root = served_media_root
browser = chromium


def test_readers_see_updates_as_an_editor_posts_them(site, browser, settings):
    # Readers' pages ask every second here (ten by default): the test waits less.
    settings.NEWSROOM_LIVE_POLL_SECONDS = 1
    reader = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    reader.goto(f"{site.url}/articles/{SLUG}/")
    expect(reader.locator(".live-none")).to_have_text("No updates yet.")

    editor = log_in(browser, site, "editor", width=1280)
    for number, title in enumerate(["Ministers arrive", "Talks begin"], start=1):
        editor.goto(f"{site.url}/admin/articles/liveentry/add/?article={site.blog_pk}")
        editor.fill("#id_title", title)
        editor.locator(".ProseMirror:visible").click()
        editor.keyboard.type(f"Test update {number}, posted by the browser test.")
        editor.click("input[name=_addanother]")
        expect(editor.locator(".messagelist")).to_contain_text(f"Posted “{title}”")

        # The reader's page, never reloaded, has it at the top of the stream.
        expect(reader.locator(".live-stream .live-entry")).to_have_count(number)
        expect(reader.locator(".live-stream .live-entry h3").first).to_have_text(title)
        expect(reader.locator(".live-status")).to_have_text("1 new update")

    expect(reader.locator(".live-none")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader.screenshot(path=SCREENSHOTS / "live-blog-375.png", full_page=True)
