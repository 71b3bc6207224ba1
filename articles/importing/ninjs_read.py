"""
Reading IPTC ninjs (News in JSON) 1.x, 2.x and 3.x: documents from a file (one document, or an
array of them) or from every .json file of a folder; each one's version told by the shape of
its keys, checked against IPTC's schema of that version (shipped in fixtures/ninjs, read with
no network), and brought to one shape for mapping (articles.importing.ninjs_map).

Real-world output is tolerated where it is known: Superdesk's `guid` standing for `uri`, and
the keys it and other systems add (`priority`, `service`, `authors`, `extra` …), which are set
aside, each reported once per file as a note. Any other departure from the schema refuses the
document, with its file, item and field named.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SCHEMA_FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "ninjs"
GEOJSON_ID = "https://geojson.org/schema/GeoJSON.json"
# The schema each major version is checked against: the latest of its branch, which accepts
# every earlier document of that branch.
LATEST = {1: "1.6", 2: "2.2", 3: "3.1"}
VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.0", "2.1", "2.2", "3.0", "3.1")
# Larger than any wire item: a bigger file is refused before it is read.
MAX_FILE_BYTES = 20 * 1024 * 1024

# Keys of 3.x alone (camelCase), and of 1.x alone (singular names, flat text variants).
_THREE = {
    "versionCreated", "firstCreated", "contentCreated", "embargoedUntil", "pubStatus",
    "copyrightHolder", "copyrightNotice", "usageTerms", "edNote", "representationType",
    "altIds", "infoSources", "trustIndicators", "rightsInfo", "digitalSourceType",
    "eventDetails", "plannedCoverage",
}  # fmt: skip
_ONE = {
    "headline", "byline", "mimetype", "$standard", "person", "organisation", "place",
    "subject", "event", "object", "infosource", "trustindicator", "genre", "charcount",
    "wordcount",
}  # fmt: skip
_ONE_VARIANT = re.compile(r"^(headline|body|description)_")
_NESTED_THREE = {"contentType", "geoJSON", "sizeInBytes", "contactInfo", "charCount"}
_NESTED_TWO = {"contenttype", "geojson", "sizeinbytes", "contactinfo"}

# What production systems add to ninjs, known and set aside: top level, and in renditions.
TOLERATED = {
    "guid", "priority", "service", "source", "extra", "authors", "annotations",
    "firstpublished", "readtime", "evolvedfrom", "signal", "keywords", "ednote_internal",
}  # fmt: skip
TOLERATED_IN_RENDITIONS = {"poi", "media"}


def _top_level_keys():
    """Every field a ninjs document of any version may begin with, and the tolerated ones."""
    keys = set(TOLERATED)
    for version in VERSIONS:
        schema = json.loads(
            (SCHEMA_FOLDER / f"ninjs-schema_{version}.json").read_text(encoding="utf-8")
        )
        for where in (schema, *schema.get("$defs", {}).values()):
            if isinstance(where, dict):
                keys |= set(where.get("properties", {}))
    # 1.x's variants (headline_main, body_html …) begin the same way.
    return frozenset(keys - {"$schema"})


TOP_LEVEL_KEYS = _top_level_keys()


def is_ninjs_key(key: str) -> bool:
    """Whether a document beginning with `key` is ninjs (1.x also names text variants)."""
    return key in TOP_LEVEL_KEYS or bool(_ONE_VARIANT.match(key))


class NinjsFileProblem(Exception):
    """The file or folder cannot be read as ninjs at all; the message says why."""


@dataclass
class Item:
    """One ninjs document of a file: where it is, its version, and its content as given."""

    file: Path
    number: int  # 1-based, within its file
    data: dict
    version: str = ""  # the schema it was checked against: "2.2"
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    notes: list[str] = field(default_factory=list)  # keys set aside

    @property
    def label(self):
        uri = self.data.get("uri") if isinstance(self.data, dict) else None
        return f"item {self.number}" + (f" ({uri})" if isinstance(uri, str) and uri else "")


def looks_like_ninjs(value) -> bool:
    """Whether parsed JSON is ninjs rather than our fixture format (which names its kinds)."""
    documents = value if isinstance(value, list) else [value]
    return bool(documents) and all(
        isinstance(doc, dict)
        and not {"sections", "agencies", "photos", "authors", "articles", "$schema"} & set(doc)
        and ("uri" in doc or "guid" in doc or "type" in doc or "headlines" in doc)
        for doc in documents
    )


def read_items(path: Path, *, schema_version: str | None = None) -> list[Item]:
    """
    Every document of a ninjs file, or of each .json file of a folder (in name order), checked:
    an item whose `problems` is not empty may not be imported. `schema_version` ("1.0" …
    "3.1") checks every item against that schema instead of the one its keys point to.
    """
    files = sorted(p for p in path.iterdir() if p.suffix == ".json") if path.is_dir() else [path]
    if not files:
        raise NinjsFileProblem(f"{path}: no .json file in this folder.")
    items = []
    for file in files:
        items += _file_items(file, schema_version)
    return items


def _file_items(file, schema_version):
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise NinjsFileProblem(f"{file}: larger than {MAX_FILE_BYTES // 2**20} MB.")
        value = json.loads(file.read_bytes())
    except OSError as error:
        raise NinjsFileProblem(f"{file}: cannot be read: {error.strerror or error}") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise NinjsFileProblem(f"{file}: not JSON: {error}") from None
    except RecursionError:
        raise NinjsFileProblem(f"{file}: nested too deeply to be a ninjs document.") from None
    documents = value if isinstance(value, list) else [value]
    items = [Item(file=file, number=n, data=doc) for n, doc in enumerate(documents, 1)]
    seen_notes = set()
    for item in items:
        check(item, schema_version)
        # Each key set aside said once per file.
        item.notes = [note for note in dict.fromkeys(item.notes) if note not in seen_notes]
        seen_notes.update(item.notes)
    return items


def check(item: Item, schema_version: str | None = None) -> None:
    """Tell the item's version, set aside what is tolerated, and check it against its schema."""
    if not isinstance(item.data, dict):
        item.problems.append(("", "a ninjs document is a JSON object."))
        return
    data = _tolerated(item.data, item.notes, "")
    version = schema_version or _version_of(data)
    if version not in VERSIONS:
        item.problems.append(("", f"no ninjs schema {version!r}; known: {', '.join(VERSIONS)}."))
        return
    item.version = version
    for error in sorted(_validator(version).iter_errors(data), key=_error_order):
        item.problems.append((_path(error), _message(error)))
        if len(item.problems) >= 20:
            item.problems.append(("", "… and more: fix these first."))
            break
    item.data = data


def _version_of(data):
    """The schema version a document's keys point to (the latest of its major version)."""
    keys = set(data)
    if keys & _THREE:
        return LATEST[3]
    if (
        keys & _ONE
        or any(_ONE_VARIANT.match(key) for key in keys)
        or any(isinstance(data.get(key), dict) for key in ("renditions", "associations", "altids"))
    ):
        return LATEST[1]
    if keys & {"infosources", "trustindicators"}:
        return LATEST[2]
    nested = _nested_keys(data)
    if nested & _NESTED_THREE:
        return LATEST[3]
    if nested & _NESTED_TWO or keys & {"versioncreated", "firstcreated", "pubstatus"}:
        return LATEST[2]
    # Keys that mean the same in every version (uri, type, headlines …): the newest reads it.
    return LATEST[3]


def _nested_keys(value, depth=0):
    found = set()
    if depth > 6:
        return found
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            found |= _nested_keys(inner, depth + 1)
    elif isinstance(value, list):
        for inner in value:
            found |= _nested_keys(inner, depth + 1)
    return found


def _tolerated(data, notes, where):
    """
    A copy of the document (or of an association, `where` saying which) with what production
    systems add set aside: `guid` taken as a missing `uri`, the TOLERATED keys removed, and
    the TOLERATED_IN_RENDITIONS keys of its renditions; each recorded in `notes`.
    """
    result = dict(data)
    if "uri" not in result and isinstance(result.get("guid"), str) and result["guid"].strip():
        result["uri"] = result.pop("guid")
        notes.append(f"{where}guid: taken as the item's uri")
    for name in sorted(TOLERATED & set(result)):
        del result[name]
        notes.append(f"{where}{name}: ignored")

    def rendition(value):
        if not isinstance(value, dict):
            return value
        extra = sorted(TOLERATED_IN_RENDITIONS & set(value))
        notes.extend(f"{where}renditions: {name}: ignored" for name in extra)
        return {key: inner for key, inner in value.items() if key not in extra}

    renditions = result.get("renditions")
    if isinstance(renditions, dict):
        result["renditions"] = {name: rendition(r) for name, r in renditions.items()}
    elif isinstance(renditions, list):
        result["renditions"] = [rendition(r) for r in renditions]
    associations = result.get("associations")
    if isinstance(associations, dict):
        result["associations"] = {
            name: _tolerated(a, notes, "associations: ") if isinstance(a, dict) else a
            for name, a in associations.items()
        }
    elif isinstance(associations, list):
        result["associations"] = [
            _tolerated(a, notes, "associations: ") if isinstance(a, dict) else a
            for a in associations
        ]
    return result


@cache
def _validator(version):
    # Imported when first needed, as the fixture schema's validator is.
    from jsonschema.validators import validator_for
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    geojson = json.loads((SCHEMA_FOLDER / "GeoJSON-schema.json").read_text(encoding="utf-8"))
    # Every reference resolved from here: a validator without a registry would fetch GeoJSON's
    # schema from the network.
    registry = Registry().with_resource(
        GEOJSON_ID, Resource.from_contents(geojson, default_specification=DRAFT202012)
    )
    path = SCHEMA_FOLDER / f"ninjs-schema_{version}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    return validator_for(schema)(schema, registry=registry)


def _error_order(error):
    return [str(part) for part in error.absolute_path]


def _path(error):
    """Where an error is, as a field path: associations[1].renditions.thumbnail.href."""
    text = ""
    for part in error.absolute_path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _message(error):
    keyword, instance = error.validator, error.instance
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        # jsonschema names the keys: "… are not allowed ('random' was unexpected)".
        return f"not a ninjs field here: {error.message[:240]}"
    if keyword == "required" and isinstance(error.validator_value, list):
        missing = [name for name in error.validator_value if name not in instance]
        return f"{', '.join(missing)}: required."
    if keyword == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"{json.dumps(instance)[:60]} is not one of: {allowed}."
    if keyword == "type":
        return f"expected {error.validator_value}, got {json.dumps(instance)[:60]}."
    return error.message[:300]
