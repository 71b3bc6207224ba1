import io
import logging
from pathlib import Path

import extruct
import feedparser
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms

from articles import renditions, services
from articles.importing import import_file
from articles.models import Photo
from tests import factories
from tests.test_admin import PHOTO_ADD_URL, photo_form

pytestmark = pytest.mark.django_db

SEED_FIXTURE = Path(settings.BASE_DIR) / "articles" / "fixtures" / "demo" / "seed.json"
RED, BLUE = (220, 20, 20), (20, 20, 220)


def upload(image, image_format="JPEG", **options):
    """An upload of a Pillow image, saved with `options` (exif=...)."""
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return SimpleUploadedFile(f"photo.{image_format.lower()}", buffer.getvalue())


def halves(size, left=RED, right=BLUE):
    """An image whose left half is one colour and right half another, to see what a crop kept."""
    image = Image.new("RGB", size, right)
    image.paste(left, (0, 0, size[0] // 2, size[1]))
    return image


def opened(name):
    with default_storage.open(name) as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def near(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


def all_entries(photo):
    return [entry for entries in photo.renditions["ratios"].values() for entry in entries]


@pytest.mark.parametrize(
    ("size", "ratio", "focal", "box"),
    [
        ((1600, 900), "1x1", (0.5, 0.5), (350, 0, 1250, 900)),
        ((1600, 900), "1x1", (0.4, 0.5), (190, 0, 1090, 900)),
        ((1600, 900), "1x1", (0.1, 0.5), (0, 0, 900, 900)),
        ((1600, 900), "1x1", (0.95, 0.2), (700, 0, 1600, 900)),
        ((900, 1600), "16x9", (0.5, 0.3), (0, 227, 900, 733)),
        ((900, 1600), "16x9", (0.5, 1.0), (0, 1094, 900, 1600)),
        ((1000, 750), "4x3", (0.9, 0.9), (0, 0, 1000, 750)),
        ((1000, 600), "original", (0.2, 0.2), (0, 0, 1000, 600)),
    ],
)
def test_crop_box_is_largest_of_its_ratio_around_the_focal_point(size, ratio, focal, box):
    assert renditions.crop_box(size, ratio, focal) == box


@pytest.mark.parametrize("ratio", ["16x9", "4x3", "1x1"])
@pytest.mark.parametrize("focal", [(0, 0), (0.3, 0.7), (0.5, 0.5), (1, 1)])
def test_crop_box_holds_the_focal_point_within_the_image(ratio, focal):
    left, top, right, bottom = renditions.crop_box((1200, 700), ratio, focal)

    ratio_width, ratio_height = renditions.RATIOS[ratio]
    assert 0 <= left <= focal[0] * 1200 <= right <= 1200
    assert 0 <= top <= focal[1] * 700 <= bottom <= 700
    assert abs((right - left) * ratio_height - (bottom - top) * ratio_width) <= ratio_width


@pytest.mark.parametrize(
    ("crop_size", "sizes"),
    [
        ((1000, 562), [(320, 180), (640, 360), (960, 540), (1000, 562)]),
        ((1600, 1600), [(320, 320), (640, 640), (960, 960), (1280, 1280), (1600, 1600)]),
        ((200, 150), [(200, 150)]),
    ],
)
def test_rendition_sizes_never_upscale(crop_size, sizes):
    assert renditions.rendition_sizes(crop_size, (320, 640, 960, 1280, 1600)) == sizes


def test_manifest_lists_every_ratio_width_and_format(settings):
    settings.NEWSROOM_RENDITION_WIDTHS = [320, 640]
    photo = factories.PhotoFactory(image=upload(Image.new("RGB", (1000, 500), RED)))

    manifest = Photo.objects.get(pk=photo.pk).renditions

    digest = photo.content_hash
    assert manifest["key"] == f"{digest[:16]}-f500x500"
    sizes = {
        ratio: [(e["width"], e["height"]) for e in manifest["ratios"][ratio]]
        for ratio in manifest["ratios"]
    }
    assert sizes == {
        "original": [(320, 160), (640, 320)],
        "16x9": [(320, 180), (640, 360)],
        "4x3": [(320, 240), (640, 480)],
        "1x1": [(320, 320), (500, 500)],
    }
    assert manifest["ratios"]["16x9"][1] == {
        "width": 640,
        "height": 360,
        "webp": f"renditions/{digest[:2]}/{digest[:16]}-f500x500-16x9-640.webp",
        "jpeg": f"renditions/{digest[:2]}/{digest[:16]}-f500x500-16x9-640.jpg",
    }
    assert manifest["ratios"]["original"][0]["jpeg"].endswith(f"{digest[:16]}-original-320.jpg")


def test_rendition_files_decode_in_their_format_and_size(settings):
    settings.NEWSROOM_RENDITION_WIDTHS = [320, 640]
    photo = factories.PhotoFactory(image=upload(Image.new("RGB", (1000, 500), RED)))

    for entry in all_entries(photo):
        webp, jpeg = opened(entry["webp"]), opened(entry["jpeg"])
        assert (webp.format, webp.size) == ("WEBP", (entry["width"], entry["height"]))
        assert (jpeg.format, jpeg.mode, jpeg.size) == ("JPEG", "RGB", webp.size)
        assert jpeg.info.get("progressive")
        assert near(jpeg.getpixel((5, 5)), RED)


def test_renditions_carry_no_exif_or_location():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 27.0, 0.0)
    photo = factories.PhotoFactory(
        image=upload(Image.new("RGB", (200, 100), RED), exif=exif, xmp=b"<x:xmpmeta/>")
    )
    # The stored original keeps its EXIF (its location is removed on upload: test_photo_files).
    assert opened(photo.image.name).getexif()[ExifTags.Base.Make] == "Camera"

    for entry in all_entries(photo):
        for name in (entry["webp"], entry["jpeg"]):
            image = opened(name)
            assert not image.getexif()
            assert not {"exif", "xmp", "icc_profile"} & set(image.info)
            with default_storage.open(name) as file:
                assert b"Exif\x00\x00" not in file.read()


def test_renditions_are_upright_as_the_exif_orientation_says():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # Shown turned 90° clockwise: the left half on top.
    photo = factories.PhotoFactory(image=upload(halves((200, 100)), exif=exif))

    (entry,) = photo.renditions["ratios"]["original"]

    image = opened(entry["jpeg"])
    assert (entry["width"], entry["height"]) == image.size == (100, 200)
    assert near(image.getpixel((50, 10)), RED)
    assert near(image.getpixel((50, 190)), BLUE)


def cmyk_red():
    return Image.new("CMYK", (120, 80), (0, 255, 255, 0))


def transparent(mode):
    return Image.new("RGBA", (120, 80), (0, 0, 0, 0)).convert(mode)


def palette_with_transparency():
    image = Image.new("P", (120, 80), 0)
    image.putpalette([0, 0, 0] * 256)
    image.info["transparency"] = 0
    return image


@pytest.mark.parametrize(
    ("source", "image_format", "colour"),
    [
        (lambda: transparent("RGBA"), "PNG", (255, 255, 255)),
        (lambda: transparent("LA"), "PNG", (255, 255, 255)),
        (palette_with_transparency, "PNG", (255, 255, 255)),
        (cmyk_red, "JPEG", (255, 0, 0)),
        (lambda: Image.new("I;16", (120, 80), 40000), "PNG", (156, 156, 156)),
        (lambda: Image.new("L", (120, 80), 90), "WEBP", (90, 90, 90)),
    ],
    ids=["rgba", "la", "palette", "cmyk", "16-bit", "grey"],
)
def test_renditions_are_rgb_with_alpha_on_white(source, image_format, colour):
    photo = factories.PhotoFactory(image=upload(source(), image_format))

    for entry in all_entries(photo):
        for name in (entry["webp"], entry["jpeg"]):
            image = opened(name)
            assert image.mode == "RGB"
            assert near(image.getpixel((10, 10)), colour, tolerance=12)


@pytest.mark.parametrize(
    "profile",
    [ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(), b"not a profile"],
    ids=["srgb", "broken"],
)
def test_colour_profile_is_applied_or_ignored_never_copied(profile):
    photo = factories.PhotoFactory(
        image=upload(Image.new("RGB", (120, 80), RED), icc_profile=profile)
    )

    for entry in all_entries(photo):
        image = opened(entry["jpeg"])
        assert "icc_profile" not in image.info
        assert near(image.getpixel((10, 10)), RED, tolerance=12)


def test_large_jpeg_decoded_smaller_still_crops_at_the_focal_point(settings):
    settings.NEWSROOM_RENDITION_WIDTHS = [300]
    photo = factories.PhotoFactory(
        image=upload(halves((2400, 1600))), focal_point_x=0.1, focal_point_y=0.5
    )

    (entry,) = photo.renditions["ratios"]["1x1"]

    # The square is the left 1600 pixels: three quarters red (to 1200), then blue.
    image = opened(entry["jpeg"])
    assert image.size == (300, 300)
    assert near(image.getpixel((215, 150)), RED)
    assert near(image.getpixel((235, 150)), BLUE)


def test_making_again_writes_nothing(django_assert_num_queries, monkeypatch):
    photo = factories.PhotoFactory()
    manifest = photo.renditions

    def refuse(*args, **kwargs):
        raise AssertionError("a file was written again")

    monkeypatch.setattr(default_storage, "save", refuse)
    with django_assert_num_queries(0):
        written = services.photo_renditions_make(photo=photo)

    assert written == 0
    assert Photo.objects.get(pk=photo.pk).renditions == manifest


def test_missing_file_of_a_made_rendition_is_made_again():
    photo = factories.PhotoFactory()
    entry = photo.renditions["ratios"]["1x1"][0]
    default_storage.delete(entry["webp"])

    written = services.photo_renditions_make(photo=photo)

    assert written == 1
    assert default_storage.exists(entry["webp"])


def test_storage_failing_part_way_leaves_an_incomplete_manifest(monkeypatch, caplog):
    photo = factories.PhotoFactory(make_renditions=False)
    save = default_storage.save
    calls = []

    def fail_after_four(name, content, **kwargs):
        calls.append(name)
        if len(calls) > 4:
            raise OSError("storage unavailable")
        return save(name, content, **kwargs)

    monkeypatch.setattr(default_storage, "save", fail_after_four)
    with caplog.at_level(logging.WARNING, logger="articles.renditions"):
        written = services.photo_renditions_make(photo=photo)

    manifest = Photo.objects.get(pk=photo.pk).renditions
    assert written == 4
    assert manifest["incomplete"] is True
    assert [e["width"] for e in manifest["ratios"]["original"]] == [64]
    assert renditions.available(photo, "16x9") == manifest["ratios"]["16x9"]
    assert not renditions.complete(photo)

    monkeypatch.undo()
    services.photo_renditions_make(photo=photo)

    photo.refresh_from_db()
    assert "incomplete" not in photo.renditions
    assert set(photo.renditions["ratios"]) == set(renditions.RATIOS)
    assert renditions.complete(photo)


def test_complete_only_for_the_current_image_and_focal_point():
    photo = factories.PhotoFactory()
    assert renditions.complete(photo)

    photo.focal_point_x = 0.1

    assert not renditions.complete(photo)
    assert not renditions.complete(factories.PhotoFactory(make_renditions=False))


def test_changing_the_focal_point_changes_cropped_names_only():
    photo = factories.PhotoFactory(image=upload(Image.new("RGB", (400, 200), RED)))
    before = photo.renditions["ratios"]

    photo.focal_point_x = 0.2
    photo.save()
    assert renditions.available(photo, "16x9") == []  # The old crop is not shown meanwhile.
    services.photo_renditions_make(photo=photo)

    after = Photo.objects.get(pk=photo.pk).renditions["ratios"]
    assert after["original"] == before["original"]
    for ratio in ("16x9", "4x3", "1x1"):
        assert {e["jpeg"] for e in after[ratio]}.isdisjoint(e["jpeg"] for e in before[ratio])
        assert all("-f200x500-" in entry["webp"] for entry in after[ratio])


def render_picture(photo, **context):
    html = render_to_string(
        "articles/includes/picture.html",
        {"photo": photo, "ratio": "16x9", "sizes": "(min-width: 40rem) 20rem, 100vw", **context},
    )
    return BeautifulSoup(html, "html.parser")


def test_picture_offers_webp_and_jpeg_in_every_width(settings, django_assert_num_queries):
    settings.NEWSROOM_RENDITION_WIDTHS = [320, 640, 960]
    photo = factories.PhotoFactory(
        image=upload(Image.new("RGB", (1600, 1200), RED)), alt_text="A lectern"
    )
    photo = Photo.objects.get(pk=photo.pk)
    entries = photo.renditions["ratios"]["16x9"]

    with django_assert_num_queries(0):
        page = render_picture(photo, css_class="card-photo")

    source, img = page.select_one("picture > source"), page.select_one("picture > img")
    assert source["type"] == "image/webp"
    assert source["srcset"] == ", ".join(
        f"{settings.MEDIA_URL}{e['webp']} {e['width']}w" for e in entries
    )
    assert img["srcset"] == ", ".join(
        f"{settings.MEDIA_URL}{e['jpeg']} {e['width']}w" for e in entries
    )
    assert source["sizes"] == img["sizes"] == "(min-width: 40rem) 20rem, 100vw"
    assert img["src"] == f"{settings.MEDIA_URL}{entries[1]['jpeg']}"
    assert (img["width"], img["height"]) == ("960", "540")
    assert (img["alt"], img["class"], img["decoding"]) == ("A lectern", ["card-photo"], "async")


@pytest.mark.parametrize(
    ("loading", "attributes"),
    [
        ("eager", {"loading": None, "fetchpriority": "high"}),
        ("lazy", {"loading": "lazy", "fetchpriority": None}),
        ("", {"loading": "lazy", "fetchpriority": None}),
    ],
)
def test_picture_is_lazy_unless_eager(loading, attributes):
    img = render_picture(factories.PhotoFactory(), loading=loading).img

    assert {name: img.get(name) for name in attributes} == attributes


def test_picture_without_renditions_renders_nothing():
    photo = factories.PhotoFactory(make_renditions=False)

    page = render_picture(photo)

    # The uploaded original keeps the camera's EXIF, location included: never linked.
    assert str(page).strip() == ""


def test_figure_without_renditions_renders_nothing_not_even_its_caption():
    photo = factories.PhotoFactory(make_renditions=False, credit_line="Agency")

    html = render_to_string(
        "articles/includes/figure.html", {"photo": photo, "caption": "A caption"}
    )

    assert html.strip() == ""


def test_picture_renders_nothing_without_a_photo():
    assert render_picture(None).get_text().strip() == ""


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_broken_image_leaves_no_renditions_and_the_page_works(client, caplog, damage):
    photo = factories.PhotoFactory(make_renditions=False)
    if damage == "missing":
        default_storage.delete(photo.image.name)
    else:
        content = factories.image_bytes(size=(400, 300))[:300]
        default_storage.delete(photo.image.name)
        default_storage.save(photo.image.name, io.BytesIO(content))
    article = factories.ArticleFactory(lead_photo=photo)

    with caplog.at_level(logging.WARNING, logger="articles.renditions"):
        written = services.photo_renditions_make(photo=photo)
    response = client.get(article.get_absolute_url())

    assert written == 0
    assert Photo.objects.get(pk=photo.pk).renditions == {}
    assert f"No renditions of photo {photo.pk}" in caplog.text
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text(strip=True) == article.headline
    assert page.select("article figure, article img") == []


def test_article_page_shows_the_lead_photo_eagerly_as_a_picture(client):
    article = factories.ArticleFactory(lead_photo=factories.PhotoFactory())

    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")

    img = page.select_one("article figure picture img")
    assert img["sizes"] == "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
    assert img.get("loading") is None
    assert img["fetchpriority"] == "high"


def test_cards_and_portraits_use_their_crops(client):
    portrait = factories.PhotoFactory(image=upload(Image.new("RGB", (300, 200), RED)))
    author = factories.AuthorFactory(portrait=portrait)
    article = factories.ArticleFactory(lead_photo=factories.PhotoFactory())
    factories.BylineFactory(article=article, author=author)

    page = BeautifulSoup(client.get(author.get_absolute_url()).content, "html.parser")

    portrait_img = page.select_one(".author-header picture img.portrait")
    assert (portrait_img["width"], portrait_img["height"]) == ("200", "200")
    card_img = page.select_one(".card picture img.card-photo")
    assert "-16x9-" in card_img["src"]
    assert card_img["loading"] == "lazy"


def test_helpers_give_structured_data_and_open_graph_images():
    photo = factories.PhotoFactory(image=upload(Image.new("RGB", (2000, 1500), RED)))

    images = renditions.photo_structured_data_images(photo)
    open_graph = renditions.photo_open_graph_image(photo)

    assert [(image.width, image.height) for image in images] == [
        (1600, 900),
        (1600, 1200),
        (1500, 1500),
    ]
    assert all(image.url.startswith(settings.MEDIA_URL) for image in images)
    assert all(image.url.endswith(".jpg") for image in images)
    assert (open_graph.width, open_graph.height) == (1280, 720)
    assert opened(open_graph.url.removeprefix(settings.MEDIA_URL)).format == "JPEG"


def test_helpers_give_no_image_without_renditions():
    photo = factories.PhotoFactory(make_renditions=False)

    assert renditions.photo_structured_data_images(photo) == []
    assert renditions.photo_open_graph_image(photo) is None
    assert renditions.photo_rendition(photo, "16x9") is None


def reader_outputs(client, article, author):
    """Every reader page and feed showing a photo: the article, home, author pages and a feed."""
    return [
        client.get(url).content.decode()
        for url in (
            article.get_absolute_url(),
            reverse("articles:home"),
            author.get_absolute_url(),
            reverse("articles:feed-rss"),
        )
    ]


def test_before_renditions_no_page_or_feed_links_the_original_or_a_broken_image(client):
    photo = factories.PhotoFactory(make_renditions=False)
    author = factories.AuthorFactory(portrait=photo)
    article = factories.ArticleFactory(lead_photo=photo, lead_photo_caption="A caption")
    factories.BylineFactory(article=article, author=author)
    assert default_storage.exists(photo.image.name)  # The original that could leak.

    article_page, home, author_page, feed = reader_outputs(client, article, author)

    for output in (article_page, home, author_page, feed):
        assert photo.image.name not in output
    for html in (article_page, home, author_page):
        page = BeautifulSoup(html, "html.parser")
        assert page.select("main img, main picture, main figure") == []
        assert article.headline in page.get_text()
    assert "A caption" not in article_page
    data = extruct.extract(
        article_page, base_url="http://testserver/", syntaxes=["json-ld", "opengraph"]
    )
    [news] = [item for item in data["json-ld"] if item["@type"] == "NewsArticle"]
    assert "image" not in news
    assert not [name for name, _ in data["opengraph"][0]["properties"] if "image" in name]
    [entry] = feedparser.parse(feed).entries
    assert "media_content" not in entry


def test_after_renditions_every_page_and_feed_shows_them(client):
    photo = factories.PhotoFactory(make_renditions=False)
    author = factories.AuthorFactory(portrait=photo)
    article = factories.ArticleFactory(lead_photo=photo, lead_photo_caption="A caption")
    factories.BylineFactory(article=article, author=author)
    services.photo_renditions_make(photo=photo)

    article_page, home, author_page, feed = reader_outputs(client, article, author)

    for output in (article_page, home, author_page, feed):
        assert photo.image.name not in output
        assert "/media/renditions/" in output
    for html in (article_page, home, author_page):
        img = BeautifulSoup(html, "html.parser").select_one("main picture img")
        assert img["src"].startswith("/media/renditions/") and img["alt"] == photo.alt_text
    assert "A caption" in article_page
    [entry] = feedparser.parse(feed).entries
    assert entry.media_content[0]["url"].startswith("http://testserver/media/renditions/")


def test_import_makes_renditions_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", str(SEED_FIXTURE), stdout=io.StringIO())

    photo = Photo.objects.get(external_id="seed-lead-photo-rutte-kyiv")
    assert set(photo.renditions["ratios"]) == set(renditions.RATIOS)
    assert all(default_storage.exists(entry["jpeg"]) for entry in all_entries(photo))


def test_dry_run_import_makes_no_renditions(django_capture_on_commit_callbacks, media_root):
    with django_capture_on_commit_callbacks(execute=True):
        report = import_file(SEED_FIXTURE, dry_run=True)

    assert report.ok
    assert not (media_root / "renditions").exists()


def test_admin_upload_makes_renditions(editor_client, django_capture_on_commit_callbacks):
    image = upload(Image.new("RGB", (400, 200), RED))

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(PHOTO_ADD_URL, photo_form(image))

    assert renditions.available(Photo.objects.get(), "1x1")


def test_admin_focal_point_change_makes_new_crops(
    editor_client, django_capture_on_commit_callbacks
):
    photo = factories.PhotoFactory(image=upload(Image.new("RGB", (400, 200), RED)))

    change_url = reverse("admin:articles_photo_change", args=[photo.pk])
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(change_url, photo_form("", focal_point_x="0.1", focal_point_y="0.5"))

    photo.refresh_from_db()
    assert photo.focal_point_x == 0.1
    assert renditions.available(photo, "1x1")[0]["jpeg"].split("-")[1] == "f100x500"


def test_command_makes_missing_renditions_and_reports(capsys):
    # Two different images: photos of the same image share their rendition files.
    photos = [
        factories.PhotoFactory(make_renditions=False, image=factories.image_upload(color=colour))
        for colour in (RED, BLUE)
    ]
    broken = factories.PhotoFactory(make_renditions=False)
    default_storage.delete(broken.image.name)

    call_command("make_renditions")

    out = capsys.readouterr().out
    assert out.splitlines() == [
        "3 photos checked, 16 files written.",
        "Without renditions: 1 (a missing or unreadable image; see the warnings). "
        "Pages show no image for them.",
    ]
    assert all(Photo.objects.get(pk=photo.pk).renditions for photo in photos)
