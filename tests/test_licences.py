"""A photo's licence and where to license it: from the file, the desk and a fixture, to JSON-LD."""

import io

import pytest
from django.core.exceptions import ValidationError

from articles import photo_metadata
from articles.metadata import image_objects
from tests import factories
from tests.test_photo_desk import jpeg, reference_file, xmp_packet

pytestmark = pytest.mark.django_db

RIGHTS_NAMESPACES = (
    'xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" '
    'xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/" '
)


def licensed(web_statement, licensor_urls):
    licensors = "".join(
        f'<rdf:li rdf:parseType="Resource"><plus:LicensorName>L{n}</plus:LicensorName>'
        f"<plus:LicensorURL>{url}</plus:LicensorURL></rdf:li>"
        for n, url in enumerate(licensor_urls)
    )
    packet = xmp_packet(
        f"<plus:Licensor><rdf:Seq>{licensors}</rdf:Seq></plus:Licensor>",
        attributes=f'xmpRights:WebStatement="{web_statement}"',
    ).replace(b"<rdf:RDF ", b"<rdf:RDF " + RIGHTS_NAMESPACES.encode())
    return photo_metadata.read(io.BytesIO(jpeg(xmp=packet)))


def test_the_file_gives_the_licence_and_the_first_licensors_page():
    found = licensed(
        "https://creativecommons.org/licenses/by/4.0/",
        ["https://photos.example/license/123", "https://other.example/"],
    )
    assert found.license_url == "https://creativecommons.org/licenses/by/4.0/"
    assert found.acquire_license_url == "https://photos.example/license/123"


@pytest.mark.parametrize(
    "value",
    ["not an address", "javascript:alert(1)", "ftp://files.example/x", "https://" + "a" * 300],
)
def test_only_a_web_address_is_taken_from_the_file(value):
    found = licensed(value, [value])
    assert (found.license_url, found.acquire_license_url) == ("", "")


def test_the_iptc_reference_image_gives_its_web_statement():
    found = photo_metadata.read(reference_file("IPTC-PhotometadataRef-Std2021.1.jpg"))
    assert found.license_url == "https://example.com/WebStatementOfRights/2021.1"
    # The first of its two licensors.
    assert found.acquire_license_url == "https://example.com/LicensorURL_1_ref2021.1"


def test_search_engines_get_the_licence_with_each_image(rf, monkeypatch):
    photo = factories.PhotoFactory(
        license_url="https://creativecommons.org/licenses/by/4.0/",
        acquire_license_url="https://photos.example/license/123",
    )
    crop = type("Crop", (), {"url": "/media/crop.jpg", "width": 1200, "height": 675})
    monkeypatch.setattr("articles.renditions.photo_structured_data_images", lambda photo: [crop])

    [image] = image_objects(rf.get("/"), photo, "A caption")

    assert image["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert image["acquireLicensePage"] == "https://photos.example/license/123"


def test_without_them_the_image_says_nothing_of_them(rf, monkeypatch):
    crop = type("Crop", (), {"url": "/media/crop.jpg", "width": 1200, "height": 675})
    monkeypatch.setattr("articles.renditions.photo_structured_data_images", lambda photo: [crop])
    [image] = image_objects(rf.get("/"), factories.PhotoFactory(), "A caption")
    assert "license" not in image and "acquireLicensePage" not in image


@pytest.mark.parametrize("field", ["license_url", "acquire_license_url"])
@pytest.mark.parametrize("value", ["javascript:alert(1)", "not a url", "ftp://x.example/"])
def test_the_desk_takes_web_addresses_only(field, value):
    photo = factories.PhotoFactory(**{field: value})
    with pytest.raises(ValidationError) as refused:
        photo.full_clean()
    assert field in refused.value.message_dict
