"""What the Partner API's tests share: a partner with its key, requests by key, IPTC's schemas."""

import json
from functools import cache
from pathlib import Path

from django.test import Client

from newsroom.partners import services
from newsroom.partners.models import Partner

SCHEMAS = Path(__file__).resolve().parent.parent / "articles" / "fixtures" / "ninjs"
LIST_URL = "/api/v1/articles/"


def partner_with_key(*, name="Baltic News Agency", sections=(), **values):
    """A partner made the one way partners are made, with its plain key."""
    values.setdefault("all_sections", not sections)
    return services.partner_create(partner=Partner(name=name, **values), sections=sections)


def detail_url(slug):
    return f"{LIST_URL}{slug}/"


def api_get(url, key=None, *, method="get", client=None, **headers):
    """A request to the API by `key` (as Authorization: Bearer), from a fresh client."""
    if key is not None:
        headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {key}")
    return getattr(client or Client(), method)(url, **headers)


def body(response):
    """The JSON body of an API response, which must say it is JSON."""
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def relative(url):
    """A next or previous address, for the test client (which asks testserver)."""
    assert url.startswith("https://news.example/")
    return url.removeprefix("https://news.example")


@cache
def ninjs_validator(version):
    """A validator of IPTC's ninjs schema `version`, resolving GeoJSON from its local copy."""
    from jsonschema.validators import validator_for
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    geojson = json.loads((SCHEMAS / "GeoJSON-schema.json").read_text(encoding="utf-8"))
    # Every reference resolved here: without a registry the validator would fetch GeoJSON.
    registry = Registry().with_resource(
        geojson["$id"], Resource.from_contents(geojson, default_specification=DRAFT202012)
    )
    schema = json.loads((SCHEMAS / f"ninjs-schema_{version}.json").read_text(encoding="utf-8"))
    validator = validator_for(schema)
    return validator(schema, registry=registry, format_checker=validator.FORMAT_CHECKER)


def assert_valid_ninjs(document, version):
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in ninjs_validator(version).iter_errors(document)
    ]
    assert errors == []
    assert document["standard"]["version"] == version
