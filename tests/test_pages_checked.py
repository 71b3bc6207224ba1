"""Every reader page type, judged by real clients: the Nu HTML Checker, Chromium and axe-core."""

from operator import attrgetter

import pytest
from django.conf import settings
from django.test import Client

from tests.pages import (
    AXE_SCRIPT,
    NPM_HINT,
    PAGE_TYPES,
    SCREENSHOTS,
    WIDTHS,
    axe_violations,
    describe_violations,
    installed,
    live_site,
    open_chromium,
    seed_corrected,
    vnu_errors,
)

# Each test runs in a transaction, as elsewhere; the mark also makes pytest-django set up the
# test database when only this module runs, so the seeded site can never land in a real one.
pytestmark = pytest.mark.django_db

each_page_type = pytest.mark.parametrize("page_type", PAGE_TYPES, ids=attrgetter("name"))


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """
    The demo seed, its story corrected, imported once (it is slow) and served live; the
    database is emptied after.
    """
    with live_site(django_db_blocker, tmp_path_factory.mktemp("media"), seed_corrected) as server:
        yield server


@pytest.fixture
def media_root():
    """Replaces conftest's folder per test: the live server serves the seeded site's photos."""
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def html_errors(site, tmp_path_factory):
    """Each page type's HTML from the test client, checked by one run of vnu (the JVM is slow)."""
    folder = tmp_path_factory.mktemp("pages")
    client = Client()
    statuses = {}
    for page_type in PAGE_TYPES:
        response = client.get(page_type.url())
        statuses[page_type.name] = response.status_code
        (folder / f"{page_type.name}.html").write_bytes(response.content)
    errors = vnu_errors(sorted(folder.glob("*.html")))
    for page_type in PAGE_TYPES:
        if statuses[page_type.name] != page_type.status:
            errors[page_type.name].insert(0, f"status {statuses[page_type.name]}")
    return errors


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, open for this module's tests."""
    with open_chromium() as browser:
        yield browser


@pytest.fixture
def open_page(site, browser):
    """Opens a page type of the seeded site in a new tab of the given width."""
    tabs = []

    def open_tab(page_type, width):
        tab = browser.new_page(viewport={"width": width, "height": 900})
        tabs.append(tab)
        response = tab.goto(site.url + page_type.url(), wait_until="load")
        return tab, response

    yield open_tab
    for tab in tabs:
        tab.close()


@each_page_type
def test_page_type_has_no_html_errors(html_errors, page_type):
    """The Nu HTML Checker finds no errors in the page's HTML."""
    errors = html_errors[page_type.name]

    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("width", WIDTHS)
@each_page_type
def test_page_type_fits_the_width_with_styles_and_lead_image(open_page, page_type, width):
    """The page is styled, never scrolls sideways, and its lead image has loaded."""
    tab, response = open_page(page_type, width)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / f"{page_type.name}-{width}.png", full_page=True)

    assert response.status == page_type.status
    rule_counts = tab.evaluate("[...document.styleSheets].map(sheet => sheet.cssRules.length)")
    assert rule_counts and all(rule_counts)  # the styles were served, not just linked
    scroll_width, viewport_width = tab.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= viewport_width
    if page_type.lead_image:
        assert tab.eval_on_selector(
            page_type.lead_image, "img => img.complete && img.naturalWidth > 0"
        )


@pytest.mark.parametrize("width", WIDTHS)
@each_page_type
def test_page_type_has_no_accessibility_violations(page_type, open_page, width):
    """axe-core finds no WCAG 2.2 A/AA or best-practice violations at phone and desktop width."""
    axe_script = installed(AXE_SCRIPT, NPM_HINT)
    tab, _ = open_page(page_type, width)

    violations = axe_violations(tab, axe_script)

    assert not violations, describe_violations(violations)
