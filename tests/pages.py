"""
The reader page types, with URLs into the demo seed, and the real clients that judge them:
the Nu HTML Checker (Java) and Debian's Chromium driven by Playwright, with axe-core.

A new page type is one row in PAGE_TYPES. The checkers come from apt (chromium, a Java
runtime) and from tests/package.json (`make test` installs them into tests/node_modules).
"""

import io
import json
import shutil
import subprocess
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from articles import services
from articles.models import Article, LiveEntry
from tests.test_seed import SEED_FIXTURE, SLUG


@dataclass(frozen=True)
class PageType:
    name: str
    url: Callable[[], str]  # called once the seed is in the database
    status: int = 200
    lead_image: str | None = None  # selector of the image that must have loaded


def _reverse(name, **kwargs):
    return reverse(f"articles:{name}", kwargs=kwargs)


PAGE_TYPES = [
    PageType("home", lambda: _reverse("home"), lead_image=".lead-story img"),
    PageType(
        "article",
        lambda: _reverse("article-detail", slug=SLUG),
        lead_image="article figure img",
    ),
    PageType("article-sponsored", lambda: _reverse("article-detail", slug=SPONSORED_SLUG)),
    PageType("article-live", lambda: _reverse("article-detail", slug=LIVE_SLUG)),
    PageType("article-media", lambda: _reverse("article-detail", slug=MEDIA_SLUG)),
    PageType("section", lambda: _reverse("section-detail", slug="world")),
    PageType("author", lambda: _reverse("author-detail", slug="angela-skujins")),
    PageType("agency", lambda: _reverse("agency-detail", slug="ap")),
    PageType("tag", lambda: _reverse("tag-detail", slug="nato")),
    PageType("archive", lambda: _reverse("archive")),
    PageType("archive-year", lambda: _reverse("archive-year", year="2024")),
    PageType("archive-month", lambda: _reverse("archive-month", year="2024", month="10")),
    PageType("search", lambda: _reverse("search") + "?q=NATO"),
    PageType("corrections", lambda: _reverse("corrections")),
    PageType("404", lambda: "/articles/no-such-story/", status=404),
]

WIDTHS = [375, 1280]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"

NODE_MODULES = Path(__file__).parent / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def seed_import():
    """Import the demo story with its photo, bylines, section, tags and Read more links."""
    call_command("import_articles", str(SEED_FIXTURE), stdout=io.StringIO())


LIVE_SLUG = "test-live-blog"
SPONSORED_SLUG = "australia-approves-major-no-strings-attached-tank-donation-to-ukraine"
MEDIA_SLUG = "test-body-media"
# A video the checked pages embed; nothing of it loads unless a test presses its button.
MEDIA_VIDEO = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"


def media_body(photo_id):
    """A body with one of each kind of media: an inline photo, a pull quote, a table, embeds."""
    return (
        "<p>Test data: a story whose body holds media of every kind.</p>"
        f'<figure data-photo="{photo_id}"><figcaption>Test caption for this story only.'
        "</figcaption></figure>"
        "<p>Second paragraph.</p>"
        '<blockquote class="pull-quote"><p>Test pull quote, set apart from the text.</p>'
        "</blockquote>"
        # Wider than a phone: it scrolls inside its own region, never the page.
        "<table><caption>Test table: pledges by country</caption>"
        "<tr><th>Country</th><th>Pledge (EUR million)</th><th>Kind</th><th>Delivered by</th>"
        "<th>Announced by</th></tr>"
        "<tr><td>Country A</td><td>1,250</td><td>Ammunition</td><td>December 2024</td>"
        "<td>Government</td></tr>"
        "<tr><td>Country B</td><td>730</td><td>Equipment and training</td>"
        "<td>March 2025, in two instalments</td><td>Defence ministry</td></tr></table>"
        f'<figure data-embed="{MEDIA_VIDEO}"><figcaption>Test video caption.</figcaption>'
        "</figure>"
        '<figure data-embed="https://bsky.app/profile/example.com/post/3kabcdefghijk">'
        "</figure>"
        "<p>Last paragraph.</p>"
    )


def seed_corrected():
    """
    The demo seed as the checked site shows it: its story corrected once (the corrections page
    lists it, as the story does), with its dateline, pinned as the home page's lead with a top
    story under it and announced by the breaking-news banner; one of its placeholder stories
    labelled as sponsored content; a live blog; and a story with media in its body, its inline
    photo the seed story's.
    """
    seed_import()
    story = Article.objects.get(slug=SLUG)
    # The seed's story was told from NATO's headquarters in Brussels.
    story.dateline = "BRUSSELS"
    services.article_save(
        article=story,
        corrections=["An earlier version of this story gave the wrong date for the NATO summit."],
    )
    sponsored = Article.objects.get(slug=SPONSORED_SLUG)
    sponsored.article_type, sponsored.sponsor = "sponsored", "Example sponsor (test data)"
    services.article_save(article=sponsored)
    services.article_save(
        article=Article(
            headline="Test story with media in its body",
            slug=MEDIA_SLUG,
            section=story.section,
            standfirst="Test data: an inline photo, a pull quote, a table and embeds.",
            body=media_body(story.lead_photo_id),
            status=Article.Status.PUBLISHED,
            publish_at=story.publish_at,
        )
    )
    top = Article.objects.get(slug="does-ukraine-really-want-to-go-nuclear")
    services.front_arrange(articles=[story, top], note="Checked site")
    # Every checked page shows the breaking-news banner, linking to the seed's story.
    services.banner_show(text="Test banner: NATO ministers meet in Brussels", article=story)
    blog = services.article_save(
        article=Article(
            headline="Test live blog",
            slug=LIVE_SLUG,
            section=story.section,
            article_type=Article.Type.LIVE,
            standfirst="Test data: a live blog with a pinned update and a key event.",
            status=Article.Status.PUBLISHED,
            publish_at=story.publish_at,
        )
    )
    for title, fields in (
        ("Test key event", {"key_event": True}),
        ("Test pinned", {"pinned": True}),
    ):
        services.live_entry_save(
            entry=LiveEntry(
                article=blog,
                title=title,
                body='<p>Test update: <a href="https://example.org/">a link</a>.</p>',
                author=story.bylines.first().author,
                **fields,
            )
        )


# The password of the staff accounts browser tests make, and how they sign in with it.
PASSWORD = "a long test passphrase"


def log_in(browser, site, username, *, width=1366):
    """A new tab of `browser`, signed in to `site`'s admin as `username`."""
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{site.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)
    return page


NPM_HINT = "run `make test` with npm installed (it runs npm ci --prefix tests)"


def installed(path, how):
    """Return the path, or skip the calling test saying how to install what is missing."""
    if not Path(path).exists():
        pytest.skip(f"{path} is missing: {how}")
    return path


def vnu_errors(html_files):
    """Run the Nu HTML Checker once over all files; return each file's errors by its stem."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is missing: apt-get install default-jre-headless")
    result = subprocess.run(
        [
            java,
            "-jar",
            installed(VNU_JAR, NPM_HINT),
            "--errors-only",
            "--format",
            "json",
            *html_files,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    if result.returncode not in (0, 1):
        raise RuntimeError(f"vnu failed ({result.returncode}):\n{result.stderr}")
    errors = {Path(path).stem: [] for path in html_files}
    for message in json.loads(result.stderr)["messages"]:
        stem = Path(message["url"].removeprefix("file:")).stem
        errors[stem].append(
            f"line {message.get('lastLine')}: {message['message']} {message.get('extract', '')!r}"
        )
    return errors


@contextmanager
def live_site(django_db_blocker, media_root, populate=seed_import):
    """
    The site with `populate`'s data, served live for a module; the database is emptied after.
    Not pytest-django's live_server: that one empties the database after every test, and the
    seed import is slow.
    """
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        try:
            populate()
            server = LiveServer("localhost")
            yield server
            server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)


def live_site_fixture(populate, prepare=None):
    """
    A module's `site` fixture: `populate`'s data served live for the module's tests. With
    `prepare(server)`, what the tests need from the database is read first and set on the
    server: the ORM must not run on Playwright's thread once Chromium has started.
    """

    @pytest.fixture(scope="module")
    def site(django_db_setup, django_db_blocker, tmp_path_factory):
        with live_site(django_db_blocker, tmp_path_factory.mktemp("media"), populate) as server:
            if prepare is not None:
                prepare(server)
            yield server

    return site


@pytest.fixture
def served_media_root(settings):
    """
    For a module's `media_root`: the live server serves the seeded site's photos, not
    conftest's fresh folder per test.
    """
    return settings.MEDIA_ROOT


@pytest.fixture
def chromium():
    """For a module's `browser`: Chromium for one test, started after its transaction."""
    with open_chromium() as browser:
        yield browser


@contextmanager
def open_chromium():
    """Debian's Chromium, driven by Playwright's sync API, for as long as the block runs."""
    # Playwright's sync API keeps an asyncio loop running on this thread. While it runs, Django
    # takes each test's transaction for async code, and asgiref gives the thread a second set of
    # database connections: allow the one (there is no async code here), close the other.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = chromium_launch(playwright)
        yield browser
        browser.close()
        connections.close_all()


def chromium_launch(playwright):
    """Debian's headless Chromium, with its own background traffic (updates, sync) off."""
    return playwright.chromium.launch(
        executable_path=installed(CHROMIUM, "apt-get install chromium"),
        headless=True,
        args=CHROMIUM_ARGS,
    )


def axe_violations(page, script):
    """Run axe-core in the loaded page; return its violations, each with its nodes' targets."""
    # Evaluated by the browser's debugger, not added as a <script>, which the page's
    # Content-Security-Policy refuses (it allows no inline scripts).
    page.evaluate(Path(script).read_text())
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}}).then(
            result => result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(node => node.target.join(" ")),
            })))""",
        AXE_TAGS,
    )


def describe_violations(violations):
    """One readable line per axe-core violation, then one per offending element."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {target}" for target in violation["targets"])
    return "\n".join(lines)
