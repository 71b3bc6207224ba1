"""
Reading a fixture file as records, streamed: the file is never held whole in memory.

A first pass reads the small kinds (sections, agencies, photos, authors) whole and, of the
articles, only their keys (so a link to an article later in the file is known); the second
pass yields the articles one by one. Each record is checked against the fixture schema; a
record that fails gets every schema error, worded for the people who write fixture files.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import fastjsonschema
import ijson
from ijson.backends import python as ijson_python

from articles import text
from articles.importing import schema

# Write order: every kind comes after the kinds it refers to.
KINDS = ["sections", "agencies", "photos", "authors", "articles"]
SMALL_KINDS = KINDS[:-1]
# The field that keys each kind's records.
KEY_FIELDS = {
    "sections": "slug",
    "agencies": "slug",
    "photos": "id",
    "authors": "slug",
    "articles": "slug",
}
_DEFS = {
    "sections": "section",
    "agencies": "agency",
    "photos": "photo",
    "authors": "author",
    "articles": "article",
}
# Deeper than this, a fixture is not a fixture: refused before it can exhaust anything.
MAX_DEPTH = 32


class FileProblem(Exception):
    """The file as a whole cannot be read as a fixture; the message says why."""


@dataclass
class Record:
    """One record of a kind: its 1-based number in that kind's list, key and data."""

    kind: str
    number: int
    data: dict
    # The digest of `data`, for articles (fingerprint()).
    fingerprint: str = ""
    # Read by the exact parser: its text may hold broken characters, checked for.
    exact: bool = False

    @property
    def key(self):
        value = self.data.get(KEY_FIELDS[self.kind]) if isinstance(self.data, dict) else None
        return value if isinstance(value, str) else "?"

    @property
    def label(self):
        return f"record {self.kind}[{self.number}] ({self.key})"


@dataclass
class Outline:
    """What the first pass found: the small kinds' records, the articles' keys and count."""

    small: dict[str, list[Record]] = field(default_factory=lambda: {k: [] for k in SMALL_KINDS})
    article_keys: set[str] = field(default_factory=set)
    article_count: int = 0
    top_level_errors: list[tuple[str, str]] = field(default_factory=list)
    # The file escapes UTF-16 surrogates: it is read by the exact parser (see outline()).
    exact: bool = False


def outline(path: Path) -> Outline:
    """
    Pass one: the small kinds whole, the articles' keys. Raises FileProblem when the file is
    not readable JSON of the fixture's shape (an object of lists).

    The fast C parser turns a lone surrogate escape into "?", changing the text unseen; a file
    that escapes surrogates at all is therefore read again, and later, by the exact parser, so
    that broken text is refused with its record and field.
    """
    with _open(path) as handle:
        reader = _ScanningReader(handle)
        found = _outline(reader, ijson)
    if reader.surrogates:
        with _open(path) as handle:
            found = _outline(handle, ijson_python)
        found.exact = True
        for kind_records in found.small.values():
            for record in kind_records:
                record.exact = True
    return found


def _outline(handle, parser) -> Outline:
    found = Outline()
    builders: dict[str, ijson.ObjectBuilder] = {}
    depth = 0
    current_kind = None
    for prefix, event, value in _events(handle, parser):
        if depth == 0 and prefix == "" and event not in ("end_map", "start_map"):
            raise FileProblem(
                f"expected an object with lists of records at the top, got {_json_type(event)}."
            )
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_DEPTH:
                raise FileProblem(f"nested deeper than {MAX_DEPTH} levels: not a fixture.")
        elif event in ("end_map", "end_array"):
            depth -= 1
        if prefix == "":
            if event == "map_key":
                current_kind = value
                if value not in (*KINDS, "$schema", "note"):
                    found.top_level_errors.append(
                        (value, "unknown field (see docs/fixture-format.md).")
                    )
            continue
        if current_kind in SMALL_KINDS:
            _build_small(found, builders, current_kind, prefix, event, value)
        elif current_kind == "articles":
            if prefix == "articles" and event not in ("start_array", "end_array"):
                found.top_level_errors.append(("articles", "expected a list of records."))
            elif prefix == "articles.item" and event not in ("map_key", "end_map", "end_array"):
                found.article_count += 1
            elif prefix == "articles.item.slug" and event == "string":
                found.article_keys.add(value)
        elif prefix == current_kind and event != "string":
            found.top_level_errors.append((current_kind, "expected a string."))
    return found


_SCALARS = {"null", "boolean", "integer", "double", "number", "string"}


def _build_small(found, builders, kind, prefix, event, value):
    if prefix == kind:
        if event not in ("start_array", "end_array"):
            found.top_level_errors.append((kind, "expected a list of records."))
        return
    builder = builders.get(kind)
    if (
        prefix == f"{kind}.item"
        and event in ("start_map", "start_array")
        or (prefix == f"{kind}.item" and event in _SCALARS and builder is None)
    ):
        builder = builders[kind] = ijson.ObjectBuilder()
    if builder is None:
        return
    builder.event(event, value)
    if prefix == f"{kind}.item" and event in ("end_map", "end_array", *_SCALARS):
        records = found.small[kind]
        records.append(Record(kind, len(records) + 1, builder.value))
        builders[kind] = None


def articles(path: Path, *, exact: bool = False) -> Iterator[Record]:
    """Pass two: the article records, one by one, numbered from 1 (see outline() on exact)."""
    parser = ijson_python if exact else ijson
    with _open(path) as handle:
        items = parser.items(handle, "articles.item", use_float=True)
        for number, data in enumerate(items, start=1):
            yield Record("articles", number, data, exact=exact)


def _open(path):
    try:
        return path.open("rb")
    except OSError as error:
        raise FileProblem(f"cannot read the file: {error.strerror or error}") from None


# A \uD800-\uDFFF escape: half of a UTF-16 pair, which may stand alone (broken text).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class _ScanningReader:
    """
    A binary file, read as it is: on the way it notices UTF-16 surrogate escapes, which the
    fast parser turns into "?" when they stand alone. No extra pass over the file.
    """

    def __init__(self, handle):
        self.handle = handle
        self.name = handle.name
        self.surrogates = False
        self._tail = b""

    def read(self, size=-1):
        chunk = self.handle.read(size)
        if not self.surrogates and chunk:
            self.surrogates = bool(_SURROGATE_ESCAPE.search(self._tail + chunk))
            self._tail = chunk[-5:]
        return chunk


def _events(handle, parser=ijson):
    """The file's JSON events, every failure to parse as a FileProblem saying where."""
    parser = parser.parse(handle, use_float=True)
    try:
        yield from parser
    except (ijson.JSONError, UnicodeDecodeError) as error:
        raise FileProblem(_explain(Path(handle.name), error)) from None


# A file up to this size that fails to parse is read again whole, to say exactly where.
_EXPLAINED_SIZE = 64 * 1024 * 1024


def _explain(path, error):
    """Why the file is not JSON, with the line and column where the file is small enough."""
    try:
        if path.stat().st_size <= _EXPLAINED_SIZE:
            json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as decode_error:
        return (
            f"cannot read the file: it is not UTF-8 text ({decode_error.reason} "
            f"at byte {decode_error.start})."
        )
    except json.JSONDecodeError as json_error:
        return (
            f"invalid JSON: {json_error.msg} (line {json_error.lineno}, column {json_error.colno})"
        )
    except (OSError, ValueError, RecursionError):
        pass
    text = error.args[0] if error.args else error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    first_line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return f"invalid JSON: {first_line or 'the file ends too soon'}"


def _json_type(event):
    return {
        "start_array": "a list",
        "null": "null",
        "boolean": "true or false",
        "integer": "a number",
        "double": "a number",
        "number": "a number",
        "string": "a string",
    }.get(event, event)


# Checking records against the schema.


@cache
def _fast_validator(kind):
    return fastjsonschema.compile(_kind_schema(kind))


@cache
def _full_validator(kind):
    return schema.validator().evolve(schema=_kind_schema(kind))


def _kind_schema(kind):
    document = json.loads(schema.SCHEMA_PATH.read_text(encoding="utf-8"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": document["$defs"],
        "$ref": f"#/$defs/{_DEFS[kind]}",
    }


def problems(record: Record) -> list[tuple[str, str]]:
    """
    (field path, message) of every way `record` breaks the schema; [] when it fits. A fast
    compiled check first; only a failing record is looked at again for all its errors.
    """
    broken = list(_broken_text(record.data, [])) if record.exact else []
    if broken:
        return broken
    try:
        _fast_validator(record.kind)(record.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    found = []
    errors = sorted(
        _full_validator(record.kind).iter_errors(record.data),
        key=lambda error: [(isinstance(part, str), part) for part in error.absolute_path],
    )
    for error in errors:
        parts = []
        for part in error.absolute_path:
            if isinstance(part, int):
                parts[-1] = f"{parts[-1]}[{part + 1}]" if parts else f"[{part + 1}]"
            else:
                parts.append(str(part))
        missing, message = schema.message(error)
        found.append((".".join(filter(None, [".".join(parts), missing])), message))
    return found or [("", "does not fit the fixture format.")]


def _broken_text(value, path):
    """(field path, message) of every string in `value` that cannot be stored at all."""
    if isinstance(value, str):
        message = text.problem(value)
        if message:
            yield ".".join(path), message
    elif isinstance(value, dict):
        for key, part in value.items():
            yield from _broken_text(part, [*path, key if isinstance(key, str) else "?"])
    elif isinstance(value, list):
        for index, part in enumerate(value):
            where = f"{path[-1]}[{index + 1}]" if path else f"[{index + 1}]"
            yield from _broken_text(part, [*path[:-1], where])


def fingerprint(data) -> str:
    """
    The digest of a record's content. Keys are taken in the file's order: the same file gives
    the same digests, and a file reordered only costs a full comparison.
    """
    # ASCII: the encoder's fastest path, and a lone surrogate is written as its escape.
    text = json.dumps(data, separators=(",", ":"))
    return hashlib.blake2b(text.encode("ascii"), digest_size=32).hexdigest()
