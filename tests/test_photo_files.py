"""
Photo files as stored: an original reaches storage without the place it was taken, its rights
and picture untouched, whatever the door (admin upload, import, write path); a phone's MPO is
stored as its first frame; the content hash is the stored file's.
"""

import hashlib
import io
import json
import random

import pytest
from bs4 import BeautifulSoup
from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, IptcImagePlugin, PngImagePlugin

from articles import photo_files, photo_metadata, services
from articles.importing import import_file
from articles.models import Photo, file_sha256
from articles.validators import validate_photo_file
from tests import factories
from tests.test_admin import photo_form
from tests.test_photo_desk import iim_segment

pytestmark = pytest.mark.django_db

PHOTO_ADD_URL = reverse("admin:articles_photo_add")
RIGHTS = {
    "caption": "Rutte at a lectern in Kyiv",
    "creator": "Evgeniy Maloletka",
    "credit_line": "AP",
    "copyright_notice": "Copyright 2024 The AP",
}
# An IPTC reference packet's shape: rights, a place named in words, and coordinates three ways.
PHONE_XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
    ' xmlns:exif="http://ns.adobe.com/exif/1.0/"'
    ' xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">\n'
    ' <rdf:Description rdf:about="" photoshop:Credit="AP" exif:GPSLatitude="50,27.0N"\n'
    "   photoshop:City='Kyiv' exif:GPSLongitude='30,31.0E' exif:GPSVersionID=\"2.3.0.0\">\n"
    '  <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Rutte at a lectern in Kyiv'
    "</rdf:li></rdf:Alt></dc:description>\n"
    "  <dc:creator><rdf:Seq><rdf:li>Evgeniy Maloletka</rdf:li></rdf:Seq></dc:creator>\n"
    '  <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">Copyright 2024 The AP</rdf:li>'
    "</rdf:Alt></dc:rights>\n"
    "  <exif:GPSAltitude>180/1</exif:GPSAltitude>\n"
    "  <Iptc4xmpExt:LocationCreated><rdf:Bag><rdf:li rdf:parseType='Resource'>\n"
    "   <Iptc4xmpExt:City>Kyiv</Iptc4xmpExt:City>\n"
    "   <exif:GPSLatitude>50,27.0N</exif:GPSLatitude>\n"
    "   <exif:GPSLongitude/>\n"
    "  </rdf:li></rdf:Bag></Iptc4xmpExt:LocationCreated>\n"
    " </rdf:Description>\n"
    "</rdf:RDF>\n"
    "</x:xmpmeta>\n"
    '<?xpacket end="w"?>'
).encode()


# Files to upload


def phone_exif():
    """EXIF as a phone writes it: camera, rights, orientation, time and where it was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.Base.Artist] = "Evgeniy Maloletka"
    exif[ExifTags.Base.Copyright] = "Copyright 2024 The AP"
    exif[ExifTags.Base.Orientation] = 1
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2024:10:03 11:20:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 27.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (30.0, 31.0, 0.0)
    return exif.tobytes()


def picture(size=(120, 80), seed=60):
    """Noise, the same for the same seed: a picture whose pixels a re-encoding would change."""
    noise = random.Random(seed).randbytes(size[0] * size[1] * 3)
    return Image.frombytes("RGB", size, noise)


def phone_jpeg(**options):
    """A JPEG with EXIF location, XMP location and rights, and IIM rights."""
    buffer = io.BytesIO()
    picture().save(buffer, "JPEG", exif=phone_exif(), xmp=PHONE_XMP, **options)
    data = buffer.getvalue()
    return data[:2] + iim_segment([((2, 116), b"Copyright 2024 The AP")]) + data[2:]


def phone_mpo():
    """What many phones write: a JPEG (with location) and a second frame after it."""
    buffer = io.BytesIO()
    picture((120, 80)).save(
        buffer,
        "MPO",
        save_all=True,
        append_images=[picture((60, 40), seed=20)],
        exif=phone_exif(),
        xmp=PHONE_XMP,
    )
    return buffer.getvalue()


def encoded(image_format, **options):
    """The picture as a PNG or WebP with EXIF (and XMP) location and rights."""
    buffer = io.BytesIO()
    if image_format == "PNG":
        # Compressed, as ExifTool writes it; Pillow's PNG writer takes no xmp=.
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", PHONE_XMP.decode(), zip=True)
        options["pnginfo"] = info
    else:
        options["xmp"] = PHONE_XMP
    picture().save(buffer, image_format, exif=phone_exif(), **options)
    return buffer.getvalue()


def upload(data, name="phone.jpg"):
    return SimpleUploadedFile(name, data, "image/jpeg")


def errors(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [" ".join(e.get_text().split()) for e in page.select(".errorlist li, .errornote")]


# Reading what was stored


def stored(photo):
    with default_storage.open(photo.image.name) as file:
        return file.read()


def opened(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def xmp_names(data):
    """The local names of every XMP element and attribute in the file."""
    packet = opened(data).info.get("xmp")
    if not packet:
        return set()
    root = fromstring(packet)
    names = [name for element in root.iter() for name in (element.tag, *element.attrib)]
    return {name.rsplit("}", 1)[-1] for name in names}


def scan(jpeg):
    """A baseline JPEG's picture data: from its start-of-scan marker to the end."""
    return jpeg[jpeg.rindex(b"\xff\xda") : jpeg.rindex(b"\xff\xd9") + 2]


def assert_no_location(data):
    image = opened(data)
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not [name for name in xmp_names(data) if name.lower().startswith("gps")]
    assert b"GPS" not in data


def assert_rights_kept(data):
    exif = opened(data).getexif()
    assert (exif[ExifTags.Base.Artist], exif[ExifTags.Base.Copyright]) == (
        "Evgeniy Maloletka",
        "Copyright 2024 The AP",
    )
    assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] == "2024:10:03 11:20:00"
    metadata = photo_metadata.read(io.BytesIO(data))
    assert {name: getattr(metadata, name) for name in RIGHTS} == RIGHTS
    assert {"City", "LocationCreated", "Credit"} <= xmp_names(data)


# Stored without the location


def test_an_uploaded_photo_is_stored_without_its_location_and_keeps_its_rights(editor_client):
    data = phone_jpeg()
    assert opened(data).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert {"GPSLatitude", "GPSLongitude", "GPSAltitude"} <= xmp_names(data)

    response = editor_client.post(PHOTO_ADD_URL, photo_form(upload(data)))

    assert response.status_code == 302, errors(response)
    photo = Photo.objects.get()
    content = stored(photo)
    assert_no_location(content)
    assert_rights_kept(content)
    # What the editor was offered came from the upload, and the stored file says the same.
    assert {name: getattr(photo, name) for name in RIGHTS} == RIGHTS
    original, kept = opened(data), opened(content)
    assert IptcImagePlugin.getiptcinfo(kept) == IptcImagePlugin.getiptcinfo(original)
    assert scan(content) == scan(data)
    assert kept.tobytes() == original.tobytes()
    assert photo.content_hash == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("image_format", "options"),
    [("PNG", {}), ("WEBP", {"quality": 90}), ("WEBP", {"lossless": True})],
    ids=["png", "webp", "webp lossless"],
)
def test_png_and_webp_are_stored_without_location_and_not_re_encoded(editor, image_format, options):
    data = encoded(image_format, **options)
    assert opened(data).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    suffix = image_format.lower()

    photo = services.photo_save(
        photo=Photo(image=upload(data, f"phone.{suffix}"), alt_text="A lectern"), user=editor
    )

    content = stored(photo)
    assert photo.image.name.endswith(f".{suffix}")
    assert_no_location(content)
    assert_rights_kept(content)
    assert opened(content).tobytes() == opened(data).tobytes()
    assert photo.content_hash == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    "data",
    [
        factories.image_bytes(),
        factories.image_bytes(image_format="PNG"),
        factories.image_bytes(image_format="WEBP"),
    ],
    ids=["jpeg", "png", "webp"],
)
def test_a_file_with_no_location_is_stored_byte_for_byte(data):
    assert photo_files.stored_bytes(data) == data


@pytest.mark.parametrize(
    "data",
    [phone_jpeg(), phone_mpo(), encoded("PNG"), encoded("WEBP")],
    ids=["jpeg", "mpo", "png", "webp"],
)
def test_storing_a_stored_file_again_changes_nothing(data):
    once = photo_files.stored_bytes(data)

    assert once != data
    assert photo_files.stored_bytes(once) == once


def test_a_held_upload_is_kept_without_its_location(editor_client, media_root):
    response = editor_client.post(PHOTO_ADD_URL, photo_form(upload(phone_jpeg()), alt_text=""))

    assert response.status_code == 200
    (held,) = (media_root / "photos" / "held").iterdir()
    content = held.read_bytes()
    assert_no_location(content)
    assert_rights_kept(content)


# Phones' MPO photos


def test_a_phone_mpo_upload_is_stored_as_its_first_frame(editor_client):
    data = phone_mpo()
    assert opened(data).format == "MPO"

    response = editor_client.post(PHOTO_ADD_URL, photo_form(upload(data)))

    assert response.status_code == 302, errors(response)
    photo = Photo.objects.get()
    content = stored(photo)
    kept = opened(content)
    assert (kept.format, getattr(kept, "n_frames", 1)) == ("JPEG", 1)
    assert (photo.width, photo.height) == kept.size == (120, 80)
    assert photo.image.name.endswith(".jpg")
    assert kept.tobytes() == opened(data).tobytes()  # The first frame.
    assert content.count(b"\xff\xd8") == 1 and b"MPF\x00" not in content
    assert_no_location(content)
    assert_rights_kept(content)


def import_photo(tmp_path, data, key="photo-1"):
    """Import one photo record whose image file holds `data`; the import's report."""
    folder = tmp_path / "fixture"
    (folder / "images").mkdir(parents=True, exist_ok=True)
    (folder / "images" / "phone.jpg").write_bytes(data)
    record = {"id": key, "image": "images/phone.jpg", "alt_text": "A lectern"}
    path = folder / "fixture.json"
    path.write_text(json.dumps({"photos": [record]}), encoding="utf-8")
    return import_file(path)


def test_an_imported_mpo_is_stored_as_its_first_frame_without_location(tmp_path):
    data = phone_mpo()

    report = import_photo(tmp_path, data)

    assert report.ok, report.problems
    photo = Photo.objects.get()
    content = stored(photo)
    assert (opened(content).format, photo.width, photo.height) == ("JPEG", 120, 80)
    assert_no_location(content)
    assert_rights_kept(content)
    assert photo.content_hash == hashlib.sha256(content).hexdigest()


def test_importing_the_same_phone_photo_again_changes_nothing(tmp_path, media_root):
    import_photo(tmp_path, phone_mpo())
    before = Photo.objects.values_list("image", "content_hash").get()

    report = import_photo(tmp_path, phone_mpo())

    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert Photo.objects.values_list("image", "content_hash").get() == before
    assert [path.name for path in (media_root / "photos").rglob("*.jpg")] == [
        before[0].rsplit("/", 1)[-1]
    ]


# The same phone photo twice


def test_the_same_phone_photo_uploaded_twice_is_refused_as_a_duplicate(editor_client):
    editor_client.post(PHOTO_ADD_URL, photo_form(upload(phone_mpo())))
    first = Photo.objects.get()

    response = editor_client.post(PHOTO_ADD_URL, photo_form(upload(phone_mpo(), "again.jpg")))

    assert response.status_code == 200
    assert Photo.objects.get() == first
    link = BeautifulSoup(response.content, "html.parser").select_one(".errorlist a")
    assert link["href"] == reverse("admin:articles_photo_change", args=[first.pk])
    assert file_sha256(upload(phone_mpo())) == first.content_hash


def test_the_same_phone_photo_through_every_door_is_one_photo(editor, tmp_path):
    first = services.photo_save(
        photo=Photo(image=upload(phone_jpeg()), alt_text="A lectern"), user=editor
    )

    with pytest.raises(ValidationError) as refused:
        services.photo_save(photo=Photo(image=upload(phone_jpeg()), alt_text="Again"), user=editor)
    report = import_photo(tmp_path, phone_jpeg())

    assert refused.value.error_dict["image"][0].params["photo"] == first
    assert report.ok, report.problems
    assert Photo.objects.get() == first
    (warning,) = [str(w) for w in report.warnings if w.field == "image"]
    assert f"the same image as photo {first.pk}" in warning


# Damaged metadata and files


def jpeg_with_exif(block):
    buffer = io.BytesIO()
    picture().save(buffer, "JPEG", exif=block)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(b"Exif\x00\x00XX\x00*\x00\x00\x00\x08" + b"\x01" * 30, id="not tiff"),
        pytest.param(
            b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x40" + b"\x01" * 30,
            id="entries past the end",
            # Pillow warns as it opens such a file; Python prints that warning and goes on.
            marks=pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning"),
        ),
    ],
)
def test_a_damaged_exif_block_is_dropped_and_the_photo_stored(editor_client, block):
    data = jpeg_with_exif(block)

    response = editor_client.post(PHOTO_ADD_URL, photo_form(upload(data)))

    assert response.status_code == 302, errors(response)
    content = stored(Photo.objects.get())
    assert b"Exif\x00\x00" not in content
    assert scan(content) == scan(data)


def test_xmp_that_mentions_gps_but_is_not_xml_is_dropped_and_iim_still_read(editor_client):
    buffer = io.BytesIO()
    picture().save(buffer, "JPEG", xmp=b"<x:xmpmeta><exif:GPSLatitude>50,27.0N</x:xmpmeta>")
    data = buffer.getvalue()
    data = data[:2] + iim_segment([((2, 110), b"Credit from IIM")]) + data[2:]

    response = editor_client.post(PHOTO_ADD_URL, photo_form(upload(data)))

    assert response.status_code == 302, errors(response)
    photo = Photo.objects.get()
    content = stored(photo)
    assert "xmp" not in opened(content).info
    assert photo_metadata.read(io.BytesIO(content)).credit_line == photo.credit_line
    assert photo.credit_line == "Credit from IIM"


def test_a_file_cut_off_in_a_segment_after_its_picture_is_refused():
    buffer = io.BytesIO()
    picture().save(buffer, "JPEG")
    data = buffer.getvalue()
    # A segment that claims 4 kB where the file ends: Pillow shows the picture all the same.
    data = data[: data.rindex(b"\xff\xd9")] + b"\xff\xe1\x10\x00Exif\x00\x00MM"
    opened(data)

    with pytest.raises(ValidationError) as refused:
        validate_photo_file(upload(data))

    assert refused.value.messages == [
        "The file is not a readable image, or it is damaged or incomplete."
    ]
