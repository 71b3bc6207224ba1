"""
The Content-Security-Policy: what it says, and that the site and the admin (the rich-text
editor, the sign-in pages) work under it in Chromium without a single violation.
"""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from articles.models import Article
from newsroom.content_security import EDITOR_STYLE_HASHES, hash_source, import_map_hashes
from tests import factories
from tests.pages import (
    chromium,
    live_site_fixture,
    seed_import,
    served_media_root,
)
from tests.test_seed import SLUG

pytestmark = pytest.mark.django_db

PASSWORD = "a long test passphrase"
expect.set_options(timeout=20_000)

# Each violation the page reports, as the page saw it; set up before any of the page's scripts.
LISTENER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", event => window.cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} `
    + `(${event.sourceFile}:${event.lineNumber})`));
"""


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


def test_pages_and_the_admin_send_the_policy(client, editor_client):
    site = client.get(reverse("articles:home"))
    admin = editor_client.get(reverse("admin:articles_article_add"))

    assert policy(site) == policy(admin)
    assert policy(site) == {
        "default-src": ["'self'"],
        "script-src": ["'self'", *import_map_hashes()],
        "style-src": ["'self'", *EDITOR_STYLE_HASHES],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    assert "Content-Security-Policy-Report-Only" not in site


def test_the_import_map_hash_is_that_of_the_import_map_the_admin_renders(editor_client):
    url = reverse("admin:articles_article_change", args=[factories.ArticleFactory().pk])
    page = BeautifulSoup(editor_client.get(url).content, "html.parser")

    import_maps = page.select("script[type=importmap]")
    assert [hash_source(script.string) for script in import_maps] == list(import_map_hashes())
    # Any other inline script (there is none) would be refused.
    assert not page.select("script:not([src]):not([type=importmap])")


def test_cached_pages_send_the_policy_too(client, django_assert_num_queries):
    url = reverse("articles:home")
    first = client.get(url)
    with django_assert_num_queries(0):
        cached = client.get(url)

    assert first["Content-Security-Policy"] == cached["Content-Security-Policy"]


# In Chromium.


def populate():
    """The demo seed, an editor who signs in with a password, and a reporter with an app."""
    seed_import()
    editor = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    reporter = User.objects.create_user("reporter", password=PASSWORD, is_staff=True)
    reporter.groups.add(Group.objects.get(name="Reporter"))
    TOTPDevice.objects.create(user=reporter, name="Authenticator app", confirmed=True)


def prepare(server):
    """What the tests read from the database, before Chromium starts."""
    server.article_pk = Article.objects.get(slug=SLUG).pk


site = live_site_fixture(populate, prepare)
media_root = served_media_root
browser = chromium


@pytest.fixture
def tab(browser):
    """A new tab that records CSP violations and any console message about the policy."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTENER)
    page = context.new_page()
    page.console_messages = []
    page.on(
        "console",
        lambda message: (
            page.console_messages.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()


def visit(tab, url):
    """Open `url` and wait for its scripts; return what the policy blocked there."""
    response = tab.goto(url, wait_until="networkidle")
    assert response.status == 200, url
    return violations(tab)


def violations(tab):
    return tab.evaluate("window.cspViolations") + tab.console_messages


def sign_in(tab, site, username):
    tab.goto(f"{site.url}{reverse('admin:login')}")
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")


def test_the_site_works_under_the_policy(site, tab):
    home = visit(tab, f"{site.url}/")
    article = visit(tab, f"{site.url}/articles/{SLUG}/")

    # The article's structured data is there to be read, never run: no violation either.
    assert tab.locator("script[type='application/ld+json']").count() >= 1
    assert tab.eval_on_selector("article figure img", "img => img.naturalWidth > 0")
    assert (home, article) == ([], [])


def test_the_admin_and_its_rich_text_editor_work_under_the_policy(site, tab):
    sign_in(tab, site, "editor")
    expect(tab.locator("#user-tools")).to_contain_text("editor")
    signed_in = violations(tab)
    change_form = reverse("admin:articles_article_change", args=[site.article_pk])

    form = visit(tab, f"{site.url}{change_form}")
    editor = tab.locator(".ProseMirror:visible")
    expect(editor).to_be_visible()
    editor.click()
    tab.keyboard.type(" Typed under the policy.")
    expect(editor).to_contain_text("Typed under the policy.")
    # The autocomplete (select2) and the calendar build their pop-ups when opened.
    tab.locator("#id_section + .select2").click()
    tab.locator(".select2-container--open .select2-search__field").fill("Wor")
    expect(tab.locator(".select2-results__option--highlighted")).to_contain_text("World")
    tab.keyboard.press("Escape")
    tab.locator("#id_publish_at_0 ~ .datetimeshortcuts .date-icon").click()
    expect(tab.locator(".calendarbox").first).to_be_visible()
    opened = violations(tab)
    other_pages = {
        name: visit(tab, f"{site.url}{reverse(name, args=args)}")
        for name, args in [
            ("admin:index", []),
            ("admin:articles_article_changelist", []),
            ("admin:articles_article_revisions", [site.article_pk]),
            ("admin:articles_photo_changelist", []),
            ("admin:audit_auditentry_changelist", []),
        ]
    }
    two_factor = visit(tab, f"{site.url}{reverse('accounts:two-factor')}")

    assert tab.eval_on_selector("img.qr-code", "img => img.naturalWidth > 0")
    assert (signed_in, form, opened, two_factor) == ([], [], [], [])
    assert other_pages == {name: [] for name in other_pages}


def test_the_second_step_of_signing_in_works_under_the_policy(site, tab):
    sign_in(tab, site, "reporter")

    expect(tab.locator("#id_code")).to_be_visible()
    assert reverse("accounts:verify") in tab.url
    assert violations(tab) == []


def test_the_policy_blocks_an_inline_script(site, tab):
    """The check above can fail: a script written into the page is refused and reported."""
    visit(tab, f"{site.url}/articles/{SLUG}/")

    tab.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.append(script);
    }""")

    tab.wait_for_function("window.cspViolations.length > 0")
    assert tab.evaluate("window.ran") is None
    assert any(line.startswith("script-src-elem blocked inline") for line in violations(tab))
