"""
The focal point in Chromium: an editor clicks the subject in the photo's preview, the marker
shows where, and the saved photo keeps that point; typing the numbers moves the marker too.
"""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from articles.models import Photo
from tests import factories
from tests.pages import (
    PASSWORD,
    SCREENSHOTS,
    chromium,
    live_site_fixture,
    log_in,
    served_media_root,
)

pytestmark = pytest.mark.django_db

# A busy 2-core CI machine runs Chromium beside the server: give each step room, not a race.
expect.set_options(timeout=20_000)


def populate():
    """A landscape photo without a focal point, and an editor who signs in."""
    factories.PhotoFactory(image=factories.image_upload(size=(800, 450)), make_renditions=False)
    editor = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))


def prepare(server):
    """What the tests read from the database, before Chromium starts."""
    server.change_url = f"/admin/articles/photo/{Photo.objects.get().pk}/change/"


site = live_site_fixture(populate, prepare)
media_root = served_media_root
browser = chromium


def fields(tab):
    """The focal point as the form shows it: (x, y), None where empty."""
    values = [tab.input_value(f"#id_focal_point_{axis}") for axis in "xy"]
    return tuple(float(value) if value else None for value in values)


def test_editor_sets_the_focal_point_by_clicking_the_preview(site, browser):
    tab = log_in(browser, site, "editor", width=1280)
    tab.goto(f"{site.url}{site.change_url}")
    preview = tab.locator(".field-preview img")
    marker = tab.locator(".focal-point-marker")
    expect(marker).to_be_hidden()
    assert fields(tab) == (None, None)

    box = preview.bounding_box()
    preview.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})

    expect(marker).to_be_visible()
    expect(tab.locator(".focal-point-status")).to_contain_text(
        "25% from the left, 75% from the top"
    )
    marked = marker.bounding_box()
    assert marked["x"] + marked["width"] / 2 == pytest.approx(box["x"] + box["width"] * 0.25, abs=3)
    assert marked["y"] + marked["height"] / 2 == pytest.approx(
        box["y"] + box["height"] * 0.75, abs=3
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / "admin-photo-focal-point-1280.png")
    tab.click("input[name=_continue]")

    # The form shown again after the save has the values stored.
    expect(tab.locator(".messagelist .success")).to_be_visible()
    x, y = fields(tab)
    assert x == pytest.approx(0.25, abs=0.02)
    assert y == pytest.approx(0.75, abs=0.02)
    expect(marker).to_be_visible()


def test_typed_focal_point_moves_the_marker(site, browser):
    tab = log_in(browser, site, "editor", width=1280)
    tab.goto(f"{site.url}{site.change_url}")
    tab.get_by_role("heading", name="Cropping and identifiers").click()

    tab.fill("#id_focal_point_x", "0.9")
    tab.fill("#id_focal_point_y", "0.1")

    box = tab.locator(".field-preview img").bounding_box()
    marked = tab.locator(".focal-point-marker").bounding_box()
    assert marked["x"] + marked["width"] / 2 == pytest.approx(box["x"] + box["width"] * 0.9, abs=3)
    assert marked["y"] + marked["height"] / 2 == pytest.approx(
        box["y"] + box["height"] * 0.1, abs=3
    )
    expect(tab.locator(".focal-point-status")).to_contain_text(
        "90% from the left, 10% from the top"
    )
