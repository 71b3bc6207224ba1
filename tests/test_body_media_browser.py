"""
Media in an article body in Chromium: a video loads from its site only when the reader presses
its button (its player stubbed here: no request ever leaves the machine), a wide table scrolls
inside its own region on a phone, and the body editor keeps every kind of media through a save
and inserts a library photo.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from playwright.sync_api import expect

from articles import services
from articles.models import Article
from tests.pages import (
    MEDIA_VIDEO,
    PASSWORD,
    SCREENSHOTS,
    chromium,
    live_site_fixture,
    log_in,
    media_body,
    seed_import,
    served_media_root,
)
from tests.test_seed import SLUG

pytestmark = pytest.mark.django_db

expect.set_options(timeout=20_000)
MEDIA_SLUG = "media-in-the-body"
PLAYER = "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"
# Each violation of the Content-Security-Policy the page reports, set up before its scripts.
LISTENER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", event => window.cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`));
"""


def populate():
    """The demo seed, a story with media in its body, and an editor who can sign in."""
    seed_import()
    story = Article.objects.get(slug=SLUG)
    services.article_save(
        article=Article(
            headline="Media in the body",
            slug=MEDIA_SLUG,
            section=story.section,
            body=media_body(story.lead_photo_id),
            status=Article.Status.PUBLISHED,
            publish_at=story.publish_at,
        )
    )
    editor = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))


def prepare(server):
    """What the tests read from the database, before Chromium starts."""
    article = Article.objects.get(slug=MEDIA_SLUG)
    server.media_article_pk = article.pk
    server.photo_pk = article.body_blocks[1].photo_id


site = live_site_fixture(populate, prepare)
media_root = served_media_root
browser = chromium


def reader(browser, site, *, width=375, scripts=True):
    """
    A reader's tab whose requests to any other site are answered here: the video's player by a
    stub page, anything else refused. Each address asked for is in `tab.asked`.
    """
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=scripts
    )
    context.add_init_script(LISTENER)
    tab = context.new_page()
    tab.asked = []
    tab.on("request", lambda request: tab.asked.append(request.url))

    def elsewhere(route):
        if urlsplit(route.request.url).hostname == "www.youtube-nocookie.com":
            route.fulfill(
                content_type="text/html",
                body="<!doctype html><title>Stub player</title><p>Stub player</p>",
            )
        else:
            route.abort()

    context.route(re.compile(r"^https?://(?!localhost[:/])"), elsewhere)
    return tab


def other_sites(tab, site):
    return [
        url for url in tab.asked if not url.startswith(site.url) and not url.startswith("data:")
    ]


def test_a_video_loads_from_its_site_only_when_the_reader_asks(site, browser):
    tab = reader(browser, site)
    tab.goto(f"{site.url}/articles/{MEDIA_SLUG}/", wait_until="networkidle")
    button = tab.get_by_role("button", name="Load video from YouTube")
    expect(button).to_be_visible()
    # The whole page, scrolled through (lazy images and all): nothing from another site.
    tab.keyboard.press("End")
    tab.wait_for_load_state("networkidle")
    assert other_sites(tab, site) == []

    button.focus()
    tab.keyboard.press("Enter")

    player = tab.locator("figure.embed iframe.embed-player")
    expect(player).to_have_attribute("src", PLAYER)
    expect(player).to_have_attribute("title", "Video from YouTube: Test video caption.")
    # The reader's keyboard is where the button was: on the player.
    expect(player).to_be_focused()
    expect(button).to_have_count(0)
    # The policy let the player's frame load (a refused frame shows nothing).
    expect(tab.frame_locator("iframe.embed-player").locator("p")).to_have_text("Stub player")
    assert other_sites(tab, site) == [PLAYER]
    assert tab.evaluate("window.cspViolations") == []


def test_without_scripts_the_reader_follows_the_link(site, browser):
    tab = reader(browser, site, scripts=False)
    tab.goto(f"{site.url}/articles/{MEDIA_SLUG}/", wait_until="networkidle")

    expect(tab.locator("button.embed-load")).to_be_hidden()
    link = tab.get_by_role("link", name="Watch on YouTube")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", MEDIA_VIDEO)
    assert other_sites(tab, site) == []


def test_a_wide_table_scrolls_in_its_region_on_a_phone(site, browser):
    tab = reader(browser, site, width=375)
    tab.goto(f"{site.url}/articles/{MEDIA_SLUG}/", wait_until="networkidle")
    region = tab.get_by_role("region", name="Test table: pledges by country")

    region.focus()
    tab.keyboard.press("ArrowRight")

    expect(region).to_be_focused()
    widths = region.evaluate("element => [element.scrollWidth, element.clientWidth]")
    assert widths[0] > widths[1]  # the table is wider than the screen: it scrolls
    assert region.evaluate("element => element.scrollLeft") > 0  # by keys too
    page_widths = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page_widths[0] <= page_widths[1]  # the page itself never does


def test_the_editor_keeps_the_media_and_inserts_a_library_photo(site, browser):
    editor = log_in(browser, site, "editor", width=1280)
    editor.goto(
        f"{site.url}{reverse('admin:articles_article_change', args=[site.media_article_pk])}"
    )
    body = editor.locator(".ProseMirror:visible")
    expect(body.locator("figure.body-media")).to_have_count(3)
    expect(body.locator("table")).to_have_count(1)
    expect(body.locator("blockquote.pull-quote")).to_have_count(1)

    # A library photo, inserted after the last paragraph with this story's caption.
    body.locator("p", has_text="Last paragraph.").click()
    editor.keyboard.press("End")
    editor.get_by_role("button", name="Photo from the library").click()
    dialog = editor.locator("dialog.prose-editor-dialog")
    dialog.locator("input[name=value]").fill(str(site.photo_pk))
    dialog.locator("input[name=caption]").fill("Inserted in the browser test.")
    dialog.get_by_role("button", name="Save").click()
    expect(body.locator("figure.body-media")).to_have_count(4)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    body.screenshot(path=SCREENSHOTS / "admin-body-media.png")
    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist")).to_contain_text("changed successfully")

    page = reader(browser, site, width=1280)
    page.goto(f"{site.url}/articles/{MEDIA_SLUG}/", wait_until="networkidle")
    article = page.locator(".article-body")
    expect(article.locator("figure.figure")).to_have_count(2)
    expect(article.locator("figure.figure figcaption .caption")).to_have_text(
        ["Test caption for this story only.", "Inserted in the browser test."]
    )
    expect(article.locator("figure.embed")).to_have_count(2)
    expect(article.locator("blockquote.pull-quote")).to_have_count(1)
    expect(article.get_by_role("region", name="Test table: pledges by country")).to_be_visible()
