"""The photo desk: metadata read from uploads, uploads refused or kept, and the photo list."""

import io
import json
import os
import struct
import zlib
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from articles import photo_metadata, renditions, services
from articles.models import Photo, file_sha256
from articles.services import photos as photo_services
from tests import factories
from tests.test_admin import PHOTO_ADD_URL, errors, photo_form
from tests.test_sitemaps import CONFORMANCE_DIR

pytestmark = pytest.mark.django_db

IPTC_DIR = CONFORMANCE_DIR / "iptc-photo-metadata"
CHANGELIST_URL = reverse("admin:articles_photo_changelist")
XMP_NAMESPACES = (
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
    'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/" '
    'xmlns:exif="http://ns.adobe.com/exif/1.0/"'
)


# Files to upload


def reference_file(name):
    """One of IPTC's reference images, from the conformance folder; skips without it."""
    path = IPTC_DIR / name
    if not path.is_file():
        pytest.skip(f"{name} not in {IPTC_DIR} (set NEWSROOM_CONFORMANCE_DIR)")
    return path


def exiftool_read():
    """ExifTool's reading of the 2021.1 reference image: what a real client finds in it."""
    path = reference_file("IPTC-PhotometadataRef-Std2021.1-ExifToolRead.json")
    (tags,) = json.loads(path.read_text(encoding="utf-8"))
    return tags


def xmp_packet(properties="", attributes=""):
    """An XMP packet with one rdf:Description holding `properties` (elements) and attributes."""
    return (
        f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF {XMP_NAMESPACES}>'
        f'<rdf:Description rdf:about="" {attributes}>{properties}</rdf:Description>'
        f'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def alt(tag, *texts):
    """An XMP language alternative: the first text in another language, then x-default."""
    languages = ["de", "x-default"] if len(texts) == 2 else ["x-default"]
    items = "".join(
        f'<rdf:li xml:lang="{language}">{text}</rdf:li>'
        for language, text in zip(languages, texts, strict=True)
    )
    return f"<{tag}><rdf:Alt>{items}</rdf:Alt></{tag}>"


def seq(tag, *texts):
    items = "".join(f"<rdf:li>{text}</rdf:li>" for text in texts)
    return f"<{tag}><rdf:Seq>{items}</rdf:Seq></{tag}>"


def iim_segment(datasets):
    """A JPEG APP13 segment: Photoshop's IPTC-NAA resource holding IIM (record, number) values."""
    iim = b"".join(
        b"\x1c" + bytes(key) + struct.pack(">H", len(value)) + value for key, value in datasets
    )
    resource = b"8BIM" + struct.pack(">HHI", 0x0404, 0, len(iim)) + iim + b"\x00" * (len(iim) % 2)
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def jpeg(*, iim=(), size=(64, 48), **options):
    """A JPEG made in memory, saved with Pillow's `options` (xmp=, exif=), with IIM `iim`."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 40, 40)).save(buffer, "JPEG", **options)
    data = buffer.getvalue()
    # Straight after the start-of-image marker, where Photoshop writes it.
    return data[:2] + iim_segment(iim) + data[2:] if iim else data


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, "image/jpeg")


def png_bomb(side=20_000):
    """A valid 1-bit PNG of side × side pixels: about 50 kB that decode to 50 MB."""
    row = b"\x00" + b"\x00" * (side // 8)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def truncated_jpeg():
    """A real photo-like JPEG cut off halfway through its picture data."""
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(buffer, "JPEG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


def files_in(folder):
    if not folder.exists():
        return []
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def page(response):
    return BeautifulSoup(response.content, "html.parser")


# Reading metadata: the reference images


def expected_2021():
    """What the 2021.1 reference image says, as ExifTool reads it, IIM and XMP agreeing."""
    tags = exiftool_read()
    assert tags["IPTC:Caption-Abstract"] == tags["XMP-dc:Description"]
    assert [tags["IPTC:By-line"]] == tags["XMP-dc:Creator"]
    assert tags["IPTC:Credit"] == tags["XMP-photoshop:Credit"]
    assert tags["IPTC:CopyrightNotice"] == tags["XMP-dc:Rights"]
    return {
        "caption": tags["XMP-dc:Description"],
        "creator": ", ".join(tags["XMP-dc:Creator"]),
        "credit_line": tags["XMP-photoshop:Credit"],
        "copyright_notice": tags["XMP-dc:Rights"],
        "alt_text": tags["XMP-iptcCore:AltTextAccessibility"],
        "taken_at": datetime.strptime(tags["XMP-photoshop:DateCreated"], "%Y:%m:%d %H:%M:%S%z"),
    }


def expected_2023():
    """The 2023.2 reference image, written by IPTC to the same pattern as 2021.1."""
    return {
        "caption": "The description aka caption (ref2023.2)",
        "creator": "Creator1 (ref2023.2)",
        "credit_line": "Credit Line (ref2023.2)",
        "copyright_notice": "Copyright (Notice) 2023.2 IPTC - www.iptc.org  (ref2023.2)",
        "alt_text": "This is the Alt Text description to support accessibility in 2023.2",
        "taken_at": datetime(2024, 3, 22, 0, 23, 2, tzinfo=UTC),
    }


REFERENCES = [
    ("IPTC-PhotometadataRef-Std2021.1.jpg", expected_2021),
    ("IPTC-PhotometadataRef-Std2023.2.jpg", expected_2023),
]
REFERENCE_IDS = ["2021.1", "2023.2"]


@pytest.mark.parametrize(("name", "expected"), REFERENCES, ids=REFERENCE_IDS)
def test_reference_image_upload_prefills_description_and_rights_exactly(
    editor_client, name, expected
):
    data = reference_file(name).read_bytes()

    response = editor_client.post(PHOTO_ADD_URL, photo_form(upload(data, name), alt_text=""))

    assert response.status_code == 302, errors(response)
    photo = Photo.objects.get()
    fields = ["caption", "creator", "credit_line", "copyright_notice", "alt_text", "taken_at"]
    assert {name: getattr(photo, name) for name in fields} == expected()


@pytest.mark.parametrize(("name", "expected"), REFERENCES, ids=REFERENCE_IDS)
def test_reference_image_is_stored_without_coordinates_and_reads_the_same(
    editor_client, name, expected
):
    data = reference_file(name).read_bytes()
    assert b"exif:GPSLatitude" in data  # In LocationCreated and LocationShown.

    response = editor_client.post(PHOTO_ADD_URL, photo_form(upload(data, name), alt_text=""))

    assert response.status_code == 302, errors(response)
    with Photo.objects.get().image.open("rb") as file:
        content = file.read()
    assert b"GPS" not in content
    with Image.open(io.BytesIO(content)) as image:
        packet = image.info["xmp"]
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    # The places named in words stay: the location shown is part of the caption's story.
    for place in (b"<Iptc4xmpExt:City>", b"<Iptc4xmpExt:Sublocation>", b"<photoshop:City>"):
        assert packet.count(place) == data.count(place) > 0
    assert photo_metadata.read(io.BytesIO(content)) == photo_metadata.read(io.BytesIO(data))
    assert content[content.index(b"\xff\xda") :] == data[data.index(b"\xff\xda") :]


@pytest.mark.parametrize(("name", "expected"), REFERENCES, ids=REFERENCE_IDS)
def test_reference_image_iim_and_xmp_each_read_the_same_values(name, expected, monkeypatch):
    path = reference_file(name)
    rights = ["caption", "creator", "credit_line", "copyright_notice"]

    both = photo_metadata.read(path)
    monkeypatch.setattr(photo_metadata, "_read_xmp", lambda image: {})
    iim_only = photo_metadata.read(path)

    assert {name: getattr(both, name) for name in rights} == {
        name: value for name, value in expected().items() if name in rights
    }
    assert {name: getattr(iim_only, name) for name in rights} == {
        name: getattr(both, name) for name in rights
    }
    assert iim_only.taken_at == both.taken_at


def test_editor_values_win_over_the_file_metadata(editor_client):
    data = reference_file(REFERENCES[0][0]).read_bytes()

    response = editor_client.post(
        PHOTO_ADD_URL,
        photo_form(
            upload(data), alt_text="Our own alt text", caption="Our caption", credit_line=""
        ),
    )

    assert response.status_code == 302, errors(response)
    photo = Photo.objects.get()
    assert (photo.alt_text, photo.caption, photo.credit_line) == (
        "Our own alt text",
        "Our caption",
        expected_2021()["credit_line"],
    )


def test_replacing_an_image_fills_only_the_fields_left_empty(editor_client):
    photo = factories.PhotoFactory(caption="Kept caption", creator="", credit_line="")
    data = reference_file(REFERENCES[0][0]).read_bytes()
    change_url = reverse("admin:articles_photo_change", args=[photo.pk])

    response = editor_client.post(
        change_url,
        photo_form(upload(data), alt_text=photo.alt_text, caption="Kept caption"),
    )

    assert response.status_code == 302, errors(response)
    photo.refresh_from_db()
    assert (photo.caption, photo.creator, photo.credit_line) == (
        "Kept caption",
        expected_2021()["creator"],
        expected_2021()["credit_line"],
    )


# Reading metadata: files made here


def test_xmp_creators_are_joined_and_the_default_language_is_chosen():
    packet = xmp_packet(
        seq("dc:creator", "Evgeniy Maloletka", "Efrem Lukatsky")
        + alt("dc:description", "Rutte in Kyjiw", "Rutte in Kyiv")
        + alt("Iptc4xmpCore:AltTextAccessibility", "Mark Rutte at a lectern"),
        attributes='photoshop:Credit="AP Photo/Evgeniy Maloletka"',
    )

    metadata = photo_metadata.read(io.BytesIO(jpeg(xmp=packet)))

    assert metadata == photo_metadata.PhotoMetadata(
        caption="Rutte in Kyiv",
        creator="Evgeniy Maloletka, Efrem Lukatsky",
        credit_line="AP Photo/Evgeniy Maloletka",
        alt_text="Mark Rutte at a lectern",
    )


def test_xmp_is_read_first_and_iim_fills_what_it_lacks():
    packet = xmp_packet(alt("dc:description", "Caption from XMP"))
    iim = [((2, 120), b"Caption from IIM"), ((2, 110), b"Credit from IIM")]

    metadata = photo_metadata.read(io.BytesIO(jpeg(xmp=packet, iim=iim)))

    assert (metadata.caption, metadata.credit_line) == ("Caption from XMP", "Credit from IIM")


@pytest.mark.parametrize(
    ("datasets", "caption"),
    [
        ([((1, 90), b"\x1b%G"), ((2, 120), "Kyjiw – Café".encode())], "Kyjiw – Café"),
        ([((2, 120), "Café".encode())], "Café"),
        ([((2, 120), "Café".encode("latin-1"))], "Café"),
        ([((2, 120), "‘Kyiv’".encode("cp1252"))], "‘Kyiv’"),
    ],
    ids=["UTF-8 declared", "UTF-8 undeclared", "Latin-1", "Windows quotes"],
)
def test_iim_text_is_decoded_by_its_character_set(datasets, caption):
    metadata = photo_metadata.read(io.BytesIO(jpeg(iim=datasets)))

    assert metadata.caption == caption


def test_iim_repeated_bylines_are_joined():
    iim = [((2, 80), b"Evgeniy Maloletka"), ((2, 80), b"Efrem Lukatsky")]

    assert photo_metadata.read(io.BytesIO(jpeg(iim=iim))).creator == (
        "Evgeniy Maloletka, Efrem Lukatsky"
    )


BERLIN = ZoneInfo("Europe/Berlin")
KYIV_SUMMER = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("xmp_date", "iim", "taken_at"),
    [
        ("2024-03-22T10:15:30+02:00", [], datetime(2024, 3, 22, 10, 15, 30, tzinfo=KYIV_SUMMER)),
        ("2024-03-22T10:15:30Z", [], datetime(2024, 3, 22, 10, 15, 30, tzinfo=UTC)),
        ("2024-03-22T10:15", [], datetime(2024, 3, 22, 10, 15, tzinfo=BERLIN)),
        ("2024-03-22", [], datetime(2024, 3, 22, tzinfo=BERLIN)),
        ("2024-03", [], None),
        ("yesterday", [], None),
        ("2024-13-45", [], None),
        (
            None,
            [((2, 55), b"20240322"), ((2, 60), b"101530+0200")],
            datetime(2024, 3, 22, 10, 15, 30, tzinfo=KYIV_SUMMER),
        ),
        (None, [((2, 55), b"20240322")], datetime(2024, 3, 22, tzinfo=BERLIN)),
        (None, [((2, 55), b"20240322"), ((2, 60), b"1015")], datetime(2024, 3, 22, tzinfo=BERLIN)),
        (None, [((2, 55), b"00000000")], None),
        ("2024-03", [((2, 55), b"20240321")], datetime(2024, 3, 21, tzinfo=BERLIN)),
    ],
    ids=[
        "xmp with offset",
        "xmp in UTC",
        "xmp without offset",
        "xmp date only",
        "xmp month only",
        "xmp words",
        "xmp impossible date",
        "iim date and time",
        "iim date only",
        "iim bad time",
        "iim zero date",
        "iim after vague xmp",
    ],
)
def test_date_created_becomes_an_aware_time(settings, xmp_date, iim, taken_at):
    settings.TIME_ZONE = "Europe/Berlin"
    packet = xmp_packet(attributes=f'photoshop:DateCreated="{xmp_date}"') if xmp_date else None

    metadata = photo_metadata.read(io.BytesIO(jpeg(iim=iim, **({"xmp": packet} if packet else {}))))

    assert metadata.taken_at == taken_at
    if taken_at is not None:
        assert metadata.taken_at.utcoffset() == taken_at.utcoffset()


XML_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&lol2;</x:xmpmeta>'
)


@pytest.mark.parametrize(
    ("xmp", "iim"),
    [
        (b"<x:xmpmeta>not closed", [((2, 110), b"Credit from IIM")]),
        (XML_BOMB, [((2, 110), b"Credit from IIM")]),
        (xmp_packet(attributes='photoshop:Credit="Credit from IIM"'), [((238, 1), b"bad")]),
    ],
    ids=["xmp not xml", "xmp entity expansion", "iim damaged"],
)
def test_malformed_metadata_does_not_lose_the_other_block(xmp, iim):
    metadata = photo_metadata.read(io.BytesIO(jpeg(xmp=xmp, iim=iim)))

    assert metadata.credit_line == "Credit from IIM"


@pytest.mark.parametrize(
    "data",
    [b"just some text", truncated_jpeg(), factories.image_bytes(image_format="PNG"), b""],
    ids=["text", "truncated", "png without metadata", "empty"],
)
def test_files_without_readable_metadata_give_empty_values(data):
    file = io.BytesIO(data)
    file.seek(3 if data else 0)

    assert photo_metadata.read(file) == photo_metadata.PhotoMetadata()
    assert file.tell() == (3 if data else 0)


def test_prefill_offers_only_what_the_values_lack():
    metadata = photo_metadata.PhotoMetadata(caption="From file", creator="From file")

    assert metadata.prefill({"caption": "Typed", "creator": "", "credit_line": ""}) == {
        "creator": "From file"
    }


# Alt text missing: the upload is kept


def no_alt_text_jpeg():
    packet = xmp_packet(
        alt("dc:description", "Rutte at a lectern in Kyiv")
        + seq("dc:creator", "Evgeniy Maloletka")
        + alt("dc:rights", "Copyright 2024 The AP"),
        attributes='photoshop:Credit="AP" photoshop:DateCreated="2024-10-03T11:20:00+03:00"',
    )
    return jpeg(xmp=packet)


def shown_values(response):
    """What the form shown again holds in the fields the file can fill, and its hidden token."""
    form = page(response)
    return {
        # A browser drops the newline that starts a textarea.
        "caption": form.select_one("textarea[name=caption]").get_text().removeprefix("\n"),
        "creator": form.select_one("input[name=creator]")["value"],
        "credit_line": form.select_one("input[name=credit_line]")["value"],
        "copyright_notice": form.select_one("input[name=copyright_notice]")["value"],
        "taken_at_0": form.select_one("input[name=taken_at_0]")["value"],
        "taken_at_1": form.select_one("input[name=taken_at_1]")["value"],
        "alt_text": form.select_one("input[name=alt_text]").get("value", ""),
        "held_upload": form.select_one("input[name=held_upload]")["value"],
    }


def test_upload_without_alt_text_asks_for_it_and_shows_what_was_read(editor_client, media_root):
    response = editor_client.post(
        PHOTO_ADD_URL, photo_form(upload(no_alt_text_jpeg()), alt_text="")
    )

    assert response.status_code == 200
    assert errors(response) == [
        "Please correct the error below.",
        "Describe what the picture shows, for readers who cannot see it: "
        "this file carries no alt text to fill it in.",
    ]
    shown = shown_values(response)
    assert shown | {"held_upload": ""} == {
        "caption": "Rutte at a lectern in Kyiv",
        "creator": "Evgeniy Maloletka",
        "credit_line": "AP",
        "copyright_notice": "Copyright 2024 The AP",
        "taken_at_0": "2024-10-03",
        "taken_at_1": "08:20:00",
        "alt_text": "",
        "held_upload": "",
    }
    assert shown["held_upload"]
    assert "Your file “photo.jpg” is kept" in page(response).select_one(".field-image").get_text()
    assert not Photo.objects.exists()
    assert [name.split("/")[:2] for name in files_in(media_root)] == [["photos", "held"]]


def test_held_upload_is_saved_without_choosing_the_file_again(
    editor_client, media_root, django_capture_on_commit_callbacks
):
    data = no_alt_text_jpeg()
    first = editor_client.post(PHOTO_ADD_URL, photo_form(upload(data), alt_text=""))
    shown = shown_values(first)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            PHOTO_ADD_URL, photo_form("", **(shown | {"alt_text": "Mark Rutte at a lectern"}))
        )

    assert response.status_code == 302, errors(response)
    photo = Photo.objects.get()
    assert (photo.alt_text, photo.caption, photo.creator, photo.taken_at) == (
        "Mark Rutte at a lectern",
        "Rutte at a lectern in Kyiv",
        "Evgeniy Maloletka",
        datetime(2024, 10, 3, 8, 20, tzinfo=UTC),
    )
    assert photo.content_hash == file_sha256(upload(data))
    assert photo.image.name.startswith("photos/") and photo.image.name.endswith(".jpg")
    # The held copy is gone; the photo and its renditions remain.
    assert not [name for name in files_in(media_root) if name.startswith("photos/held/")]
    assert renditions.available(photo, "original")


def test_a_new_file_replaces_the_held_one(
    editor_client, media_root, django_capture_on_commit_callbacks
):
    first = editor_client.post(PHOTO_ADD_URL, photo_form(upload(no_alt_text_jpeg()), alt_text=""))
    token = shown_values(first)["held_upload"]
    other = factories.image_upload(size=(90, 60))

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            PHOTO_ADD_URL, photo_form(other, alt_text="A lectern", held_upload=token)
        )

    assert response.status_code == 302, errors(response)
    photo = Photo.objects.get()
    assert (photo.width, photo.caption) == (90, "")
    assert not [name for name in files_in(media_root) if name.startswith("photos/held/")]


@pytest.mark.parametrize("forged", [True, False], ids=["forged token", "expired token"])
def test_a_bad_held_upload_token_opens_nothing(editor_client, monkeypatch, forged):
    first = editor_client.post(PHOTO_ADD_URL, photo_form(upload(no_alt_text_jpeg()), alt_text=""))
    token = shown_values(first)["held_upload"]
    if forged:
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    else:
        monkeypatch.setattr(photo_services, "HELD_UPLOAD_MAX_AGE", timedelta(seconds=-1))

    response = editor_client.post(
        PHOTO_ADD_URL, photo_form("", alt_text="A lectern", held_upload=token)
    )

    assert response.status_code == 200
    assert "This field is required." in errors(response)
    assert not Photo.objects.exists()


def test_holding_an_upload_deletes_held_files_given_up_on(media_root):
    old = services.photo_upload_hold(upload=upload(no_alt_text_jpeg()))
    old_name = photo_services._held_upload(old)[0]
    day_and_a_bit = (datetime.now() - timedelta(days=1, minutes=1)).timestamp()
    os.utime(media_root / old_name, (day_and_a_bit, day_and_a_bit))

    new = services.photo_upload_hold(upload=upload(no_alt_text_jpeg()))

    assert not default_storage.exists(old_name)
    assert services.photo_upload_take(token=old) is None
    assert services.photo_upload_take(token=new).read() == no_alt_text_jpeg()


# Files refused


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "cut.jpg",
            truncated_jpeg(),
            "The file is not a readable image, or it is damaged or incomplete.",
        ),
        (
            "notes.jpg",
            b"Notes from the briefing, not a photo.\n",
            "The file is not a readable image, or it is damaged or incomplete.",
        ),
        (
            "bomb.png",
            png_bomb(),
            "The image has more pixels than the limit of 50 million pixels.",
        ),
        (
            "tall.png",
            png_bomb(side=8_000),
            "The image is 8000 × 8000 pixels, more than the limit of 50 million pixels.",
        ),
    ],
    ids=["truncated JPEG", "text named .jpg", "decompression bomb", "over the pixel limit"],
)
@pytest.mark.parametrize("alt_text", ["A lectern", ""], ids=["with alt text", "without"])
def test_refused_upload_saves_nothing_and_leaves_no_file(
    editor_client, settings, media_root, name, content, message, alt_text
):
    settings.NEWSROOM_PHOTO_MAX_PIXELS = 50_000_000

    response = editor_client.post(
        PHOTO_ADD_URL, photo_form(SimpleUploadedFile(name, content), alt_text=alt_text)
    )

    assert response.status_code == 200
    assert message in errors(response)
    assert not page(response).select_one("input[name=held_upload]").get("value")
    assert not Photo.objects.exists()
    assert files_in(media_root) == []


# Location data


def test_location_in_an_uploaded_file_never_reaches_a_rendition(
    editor_client, django_capture_on_commit_callbacks
):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 27.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (30.0, 31.0, 0.0)
    packet = xmp_packet(attributes='exif:GPSLatitude="50,27.0N" exif:GPSLongitude="30,31.0E"')
    data = jpeg(size=(1400, 800), exif=exif, xmp=packet)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(PHOTO_ADD_URL, photo_form(upload(data)))

    assert response.status_code == 302, errors(response)
    photo = Photo.objects.get()
    # The stored original keeps its EXIF without the location; renditions keep neither.
    with photo.image.open("rb") as original, Image.open(original) as image:
        assert image.getexif()[ExifTags.Base.Make] == "Camera"
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert b"GPS" not in image.info["xmp"]
    names = [
        entry[image_format]
        for entries in photo.renditions["ratios"].values()
        for entry in entries
        for image_format in ("jpeg", "webp")
    ]
    assert len(names) == len(set(names)) > 10
    for name in names:
        with default_storage.open(name) as file:
            content = file.read()
        with Image.open(io.BytesIO(content)) as image:
            assert not image.getexif()
            assert not {"exif", "xmp"} & set(image.info)
        assert b"Exif\x00\x00" not in content
        assert b"GPSLatitude" not in content and b"ns.adobe.com/xap" not in content


# The photo list


def photo_rows(response):
    return page(response).select("#result_list tbody tr")


def column(response, name):
    cells = page(response).select(f"#result_list .field-{name}")
    return [" ".join(cell.get_text().split()) for cell in cells]


@pytest.mark.parametrize("count", [1, 3])
def test_changelist_queries_do_not_grow_with_photos(
    editor_client, editor, django_assert_num_queries, count
):
    for _ in range(count):
        photo = factories.PhotoFactory(uploaded_by=editor, source=factories.AgencyFactory())
        factories.ArticleFactory(lead_photo=photo)
        factories.AuthorFactory(portrait=photo)

    # session, user, permissions (2), the agencies filter, 2 counts, and one query for the
    # photos with their uploader and the counts of their uses
    with django_assert_num_queries(8):
        response = editor_client.get(CHANGELIST_URL)

    assert len(photo_rows(response)) == count
    assert column(response, "uses") == ["2"] * count
    assert column(response, "uploaded_by") == [editor.username] * count


def test_changelist_shows_a_small_rendition_not_the_original(editor_client):
    photo = factories.PhotoFactory(image=factories.image_upload(size=(1600, 900)))

    response = editor_client.get(CHANGELIST_URL)

    image = page(response).select_one("#result_list .field-thumbnail img")
    rendition = renditions.photo_rendition(photo, "original", width=160, image_format="webp")
    assert (image["src"], image["width"], image["height"]) == (rendition.url, "80", "45")
    assert rendition.width == 320 and image["src"] != photo.image.url


def test_changelist_falls_back_to_the_original_without_renditions(editor_client):
    photo = factories.PhotoFactory(make_renditions=False)

    response = editor_client.get(CHANGELIST_URL)

    assert page(response).select_one("#result_list img")["src"] == photo.image.url


@pytest.fixture
def photos_in_use():
    """Photos used as a lead photo (of a draft, too), as a portrait, and not at all."""
    lead = factories.PhotoFactory(caption="Lead photo")
    draft_lead = factories.PhotoFactory(caption="Draft lead photo")
    portrait = factories.PhotoFactory(caption="Portrait")
    factories.PhotoFactory(caption="Unused")
    factories.ArticleFactory(lead_photo=lead)
    factories.ArticleFactory(lead_photo=lead)
    factories.ArticleFactory(lead_photo=draft_lead, draft=True)
    factories.AuthorFactory(portrait=portrait)


@pytest.mark.parametrize(
    ("usage", "captions"),
    [
        ("used", ["Draft lead photo", "Lead photo", "Portrait"]),
        ("unused", ["Unused"]),
        ("", ["Draft lead photo", "Lead photo", "Portrait", "Unused"]),
    ],
    ids=["used", "unused", "all"],
)
def test_usage_filter_separates_used_and_unused_photos(
    editor_client, photos_in_use, usage, captions
):
    response = editor_client.get(CHANGELIST_URL, {"usage": usage} if usage else {})

    assert sorted(column(response, "description")) == captions


def test_uses_column_counts_articles_and_portraits_and_sorts(editor_client, photos_in_use):
    response = editor_client.get(CHANGELIST_URL, {"o": "-7"})

    rows = list(zip(column(response, "description"), column(response, "uses"), strict=True))
    assert [uses for _, uses in rows] == ["2", "1", "1", "0"]
    assert sorted(rows) == [
        ("Draft lead photo", "1"),
        ("Lead photo", "2"),
        ("Portrait", "1"),
        ("Unused", "0"),
    ]


@pytest.mark.parametrize(
    "field", ["caption", "alt_text", "creator", "credit_line", "copyright_notice"]
)
def test_search_finds_photos_by_description_and_rights(editor_client, field):
    factories.PhotoFactory(caption="Other photo")
    factories.PhotoFactory(**{"caption": "Wanted photo", field: "Wanted: Maloletka in Kyiv"})

    response = editor_client.get(CHANGELIST_URL, {"q": "maloletka"})

    assert [caption[:6] for caption in column(response, "description")] == ["Wanted"]


def test_the_same_image_uploaded_again_is_refused_and_the_photo_there_offered(editor_client):
    content = factories.image_bytes(size=(90, 60), color=(10, 200, 30))
    first = factories.PhotoFactory(image=upload(content, "first.jpg"), caption="The one")

    response = editor_client.post(PHOTO_ADD_URL, photo_form(upload(content, "again.jpg")))

    assert response.status_code == 200
    assert Photo.objects.get() == first
    page = BeautifulSoup(response.content, "html.parser")
    link = page.select_one(".errorlist a")
    assert link["href"] == reverse("admin:articles_photo_change", args=[first.pk])
    assert "already in the library" in " ".join(errors(response))


def test_the_write_path_refuses_a_duplicate_image_whatever_the_door(editor):
    content = factories.image_bytes(size=(90, 60), color=(10, 200, 30))
    first = factories.PhotoFactory(image=upload(content, "first.jpg"))

    with pytest.raises(ValidationError) as refused:
        services.photo_save(
            photo=Photo(image=upload(content, "again.jpg"), alt_text="Again"), user=editor
        )

    assert refused.value.error_dict["image"][0].params["photo"] == first
    assert Photo.objects.count() == 1
