"""
The query parameters the API understands, read strictly: an unknown or repeated parameter, or
a value out of its range, is refused with a 400 that says what is expected, rather than
ignored (a misspelt `changed_sinse` would otherwise quietly serve everything).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from articles.api.errors import bad_parameter
from articles.syndication import VERSIONS

DEFAULT_VERSION = "3.1"
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
# A page number longer than this is past any last page (and is not turned into an int).
_MAX_DIGITS = 9
_WHOLE = re.compile(r"[0-9]+")
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")
# "2025-03-01T10:00:00 01:00": a `+` sent unencoded reads as a space in a query string.
_SPACED_OFFSET = re.compile(r"(.*:[0-9.]*[0-9]) ([0-9]{2}(:?[0-9]{2})?)")

DETAIL_PARAMETERS = ("version",)
LIST_PARAMETERS = ("version", "page", "per_page", "section", "changed_since", "after")


@dataclass(frozen=True)
class ListQuery:
    """What a list request asked for, checked."""

    version: str = DEFAULT_VERSION
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    section: str | None = None
    changed_since: datetime | None = None
    after: str | None = None
    # The parameters as given, for the addresses of the next and previous pages.
    given: tuple = ()


def detail_query(query) -> str:
    """The ninjs version a request for one story asked for (`query`: request.GET)."""
    values = _single_values(query, DETAIL_PARAMETERS)
    return _version(values.get("version"))


def list_query(query) -> ListQuery:
    """What a list request asked for (`query`: request.GET); raises ApiError (400) if unclear."""
    values = _single_values(query, LIST_PARAMETERS)
    changed_since = values.get("changed_since")
    if changed_since is not None and "page" in values:
        raise bad_parameter(
            "page does not go with changed_since: follow each response's next address instead."
        )
    if "after" in values and changed_since is None:
        raise bad_parameter("after goes with changed_since only: follow the next address.")
    after = values.get("after")
    if after is not None and not _SLUG.fullmatch(after):
        raise bad_parameter("after must be the slug of a story, as in the next address.")
    section = values.get("section")
    if section is not None and not _SLUG.fullmatch(section):
        raise bad_parameter("section must be a section's slug (letters, digits, - and _).")
    return ListQuery(
        version=_version(values.get("version")),
        page=_page(values.get("page")),
        per_page=_per_page(values.get("per_page")),
        section=section,
        changed_since=None if changed_since is None else _moment(changed_since),
        after=after,
        given=tuple((name, values[name]) for name in LIST_PARAMETERS if name in values),
    )


def _single_values(query, known):
    unknown = sorted(name for name in query if name not in known)
    if unknown:
        # Named only when it is short and plain: the message never carries odd input back.
        shown = unknown[0] if _SLUG.fullmatch(unknown[0]) and len(unknown[0]) <= 40 else None
        raise bad_parameter(
            (f"Unknown parameter {shown}. " if shown else "Unknown parameter. ")
            + f"This address takes: {', '.join(known)}."
        )
    repeated = [name for name in known if len(query.getlist(name)) > 1]
    if repeated:
        raise bad_parameter(f"{repeated[0]} was given more than once: give it once.")
    return {name: query[name] for name in known if name in query}


def _version(value):
    if value is None:
        return DEFAULT_VERSION
    if value not in VERSIONS:
        raise bad_parameter(
            f"version must be one of {', '.join(sorted(VERSIONS, reverse=True))} "
            f"(the ninjs version; default {DEFAULT_VERSION})."
        )
    return value


def _page(value):
    if value is None:
        return 1
    if not _WHOLE.fullmatch(value) or int(value[: _MAX_DIGITS + 1]) < 1:
        raise bad_parameter("page must be a whole number, 1 or more.")
    # Past any last page: answered as such (404) without a number the database cannot take.
    return int(value) if len(value) <= _MAX_DIGITS else 10**_MAX_DIGITS


def _per_page(value):
    if value is None:
        return DEFAULT_PER_PAGE
    if not _WHOLE.fullmatch(value) or len(value) > 3 or not 1 <= int(value) <= MAX_PER_PAGE:
        raise bad_parameter(f"per_page must be a whole number from 1 to {MAX_PER_PAGE}.")
    return int(value)


def _moment(value):
    spaced = _SPACED_OFFSET.fullmatch(value)
    if spaced:
        value = f"{spaced[1]}+{spaced[2]}"
    try:
        moment = datetime.fromisoformat(value) if len(value) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise bad_parameter(
            "changed_since must be an ISO 8601 date and time with its UTC offset, "
            "e.g. 2025-03-01T09:30:00Z or 2025-03-01T10:30:00%2B01:00 (+ written %2B)."
        )
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise bad_parameter("changed_since is out of range.") from None
