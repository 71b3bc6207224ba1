"""
A ninjs item, read and checked (articles.importing.ninjs_read), as the records of our fixture
format: the story, its lead photo, the authors and agencies of its byline. Versions 1.x and
3.x are first brought to 2.x's shape (plural arrays, lowercase names), so that one mapping
reads them all. Pure: the database is read by the caller (ninjs.py), which passes what is
known (`Known`).

What maps to what is in docs/ninjs.md; what has no place here is said as a warning.
"""

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.text import slugify

from articles.models import Article
from articles.models.enums import IPTC_GENRE_CV, IPTC_GENRES, ArticleType

STORY_TYPES = {None, "text", "composite"}
DATELINE_LENGTH = Article._meta.get_field("dateline").max_length
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
# Descriptions that are a story's summary, and a picture's caption, by role (None: no role).
SUMMARY_ROLES = (None, "summary", "lead", "text", "abstract", "main")
CAPTION_ROLES = ("caption", None, "text", "main", "summary")
_BYLINE_PREFIX = re.compile(r"^(?:by|von|av|par|por|door|di|de)\s+", re.IGNORECASE)
# Lower-case words only: "Karl E Anderson" keeps his middle initial.
_BYLINE_SPLIT = re.compile(r"\s+(?:and|und|og|och|et|y|e|&|with|mit|med|avec|con)\s+|\s*[,;/]\s*")
_BODY_TAG = re.compile(r"<body\b[^>]*>(.*?)(?:</body>|$)", re.IGNORECASE | re.DOTALL)
_HEAD = re.compile(r"<head\b.*?</head>", re.IGNORECASE | re.DOTALL)
_LEADING_H1 = re.compile(r"^\s*<h1\b[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)


@dataclass
class Known:
    """What the database holds that an item's records refer to, looked up by the caller."""

    section: str  # the slug stories are filed in
    slugs_by_uri: dict[str, str] = field(default_factory=dict)  # articles imported before
    versions_by_uri: dict[str, str] = field(default_factory=dict)
    taken_slugs: set[str] = field(default_factory=set)
    authors_by_name: dict[str, str] = field(default_factory=dict)  # lower-cased name: slug
    # Slugs of authors and agencies stored under other names: a new one must not take them.
    taken_contributor_slugs: set[str] = field(default_factory=set)
    agencies_by_name: dict[str, str] = field(default_factory=dict)  # name or short name: slug


@dataclass
class Mapped:
    """An item's records, or why it is not a story to import (`skipped`)."""

    article: dict | None = None
    photos: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)
    files: list[tuple[Path, str]] = field(default_factory=list)  # (found, name to give it)
    skipped: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def normalized(data: dict, version: str) -> dict:
    """The document in 2.x's shape, whichever version it is in."""
    if version.startswith("3."):
        return _lowered(data)
    if version.startswith("1."):
        return _from_one(data)
    return data


def _lowered(value):
    if isinstance(value, list):
        return [_lowered(inner) for inner in value]
    if not isinstance(value, dict):
        return value
    renamed = {"embargoeduntil": "embargoed"}
    result = {}
    for key, inner in value.items():
        lowered = key.lower()
        result[renamed.get(lowered, lowered)] = _lowered(inner)
    return result


def _from_one(data):
    result = {}
    headlines, bodies, descriptions = [], [], []
    for key, value in data.items():
        variant = re.match(r"^(headline|body|description)_(.+)$", key)
        if variant and isinstance(value, str):
            kind, role = variant.groups()
            entry = {"role": role, "value": value}
            if kind != "headline":
                entry["contenttype"] = _type_of_variant(role)
            {"headline": headlines, "body": bodies, "description": descriptions}[kind].append(entry)
        elif key == "headline":
            headlines.insert(0, {"role": "main", "value": value})
        elif key == "byline":
            result["by"] = value
        elif key in ("subject", "person", "place", "genre", "infosource", "organisation"):
            plural = {"person": "people", "organisation": "organisations"}.get(key, key + "s")
            result[plural] = [
                {**entry, "literal": entry.get("code")} if isinstance(entry, dict) else entry
                for entry in value
            ]
        elif key == "renditions" and isinstance(value, dict):
            result[key] = [
                {"name": name, **r, "contenttype": r.get("mimetype")}
                for name, r in value.items()
                if isinstance(r, dict)
            ]
        elif key == "associations" and isinstance(value, dict):
            result[key] = [
                {"name": name, **_from_one(a)} for name, a in value.items() if isinstance(a, dict)
            ]
        else:
            result[key] = value
    for name, entries in (
        ("headlines", headlines),
        ("bodies", bodies),
        ("descriptions", descriptions),
    ):
        if entries:
            result[name] = entries
    return result


def _type_of_variant(role):
    """1.x says a text's kind in its key's suffix: body_xhtml, description_caption_html."""
    return "text/html" if role.endswith(("html", "xhtml", "richtext")) else "text/plain"


def map_item(data: dict, known: Known, *, folder: Path) -> Mapped:
    """The records of one normalised item (see normalized()); `folder` holds its files."""
    mapped = Mapped()
    kind = data.get("type")
    if kind not in STORY_TYPES:
        mapped.skipped = f"a {kind} item, not a story: not imported."
        return mapped
    uri = data["uri"]
    headline = _headline(data)
    if not headline:
        mapped.skipped = "no headline: not a story, not imported."
        return mapped
    slug = known.slugs_by_uri.get(uri) or _new_slug(headline, uri, known)
    article = {
        "slug": slug,
        "headline": headline,
        "section": known.section,
        "external_id": uri,
        "external_version": version_key(data),
        "status": _status(data.get("pubstatus"), existing=uri in known.slugs_by_uri),
    }
    standfirst = _text_of(_pick(data.get("descriptions"), SUMMARY_ROLES))
    if standfirst:
        article["standfirst"] = standfirst
    body = _body(data, headline, mapped)
    if body:
        article["body"] = body
    published = data.get("firstpublished") or data.get("firstcreated") or data.get("versioncreated")
    if published:
        article["publish_at"] = published
    updated = data.get("versioncreated")
    # Later than the story reached readers (its publication, or its embargo's end).
    live = max(filter(None, (published, data.get("embargoed"))), key=_moment, default=None)
    if updated and live and _later(updated, live):
        article["last_updated_at"] = updated
    if article["status"] == "published" and "publish_at" not in article:
        article["status"] = "draft"
        mapped.warnings.append(("versioncreated", "no time given: imported as a draft."))
    if data.get("embargoed"):
        article["embargoed_until"] = data["embargoed"]
    tags = _tags(data.get("subjects"))
    if tags:
        article["tags"] = tags
    article["bylines"] = _bylines(data, known, mapped)
    dateline = " ".join(str(data.get("located") or "").split())
    if dateline:
        article["dateline"] = dateline[:DATELINE_LENGTH]
        if len(dateline) > DATELINE_LENGTH:
            mapped.warnings.append(("located", f"longer than {DATELINE_LENGTH} characters: cut."))
    article_type = _article_type(data.get("genres"), mapped)
    if article_type:
        article["article_type"] = article_type
    photo = _lead_photo(data.get("associations"), uri, folder, mapped)
    if photo:
        article["lead_photo"] = photo["id"]
    mapped.article = article
    return mapped


def _article_type(genres, mapped):
    """The type an item's IPTC genres name (by URI, QCode or name); None for news."""
    by_code = {code.lower(): kind for kind, code in IPTC_GENRES.items()}
    for genre in genres or []:
        if not isinstance(genre, dict):
            continue
        for value in (genre.get("uri"), genre.get("qcode"), genre.get("name")):
            if not isinstance(value, str):
                continue
            code = value.removeprefix(IPTC_GENRE_CV).removeprefix("genre:").lower()
            kind = by_code.get(code) or by_code.get(code.replace(" ", "_"))
            if kind == ArticleType.SPONSORED:
                # ninjs names no sponsor, which sponsored content must show: an editor's call.
                mapped.warnings.append(
                    (
                        "genres",
                        "advertiser-supplied content: imported as news, since ninjs "
                        "names no sponsor; set its type and sponsor before publishing.",
                    )
                )
                return None
            if kind:
                return kind.value
    return None


def version_key(data) -> str:
    """What orders an item's versions: its version time, then its version number."""
    return f"{data.get('versioncreated') or ''}|{data.get('version') or ''}"


def is_newer(incoming: str, stored: str) -> bool:
    """Whether version key `incoming` (version_key()) comes after `stored`."""
    if not stored:
        return True
    new_time, _, new_number = incoming.partition("|")
    old_time, _, old_number = stored.partition("|")
    new_at, old_at = parse_datetime(new_time or ""), parse_datetime(old_time or "")
    if new_at and old_at and new_at != old_at:
        return new_at > old_at
    if new_number.isdigit() and old_number.isdigit():
        return int(new_number) > int(old_number)
    return bool(new_number or new_time) and (new_time, new_number) > (old_time, old_number)


def _moment(value):
    """A time for ordering; one that cannot be read goes first (the importer refuses it)."""
    parsed = parse_datetime(str(value))
    return parsed.timestamp() if parsed and parsed.tzinfo else float("-inf")


def _later(one, other):
    first, second = parse_datetime(one), parse_datetime(other)
    return bool(first and second and first > second)


def _headline(data):
    entry = _pick(data.get("headlines"), ("main", None)) or {}
    value = entry.get("value") if isinstance(entry, dict) else None
    text = " ".join(html.unescape(strip_tags(value or "")).split())
    return text or " ".join(str(data.get("title") or "").split())


def _pick(entries, roles):
    """The first entry of `entries` whose role comes first in `roles`; else the first one."""
    entries = [e for e in entries or [] if isinstance(e, dict) and e.get("value")]
    for role in roles:
        for entry in entries:
            if entry.get("role") == role:
                return entry
    return entries[0] if entries else None


def _text_of(entry):
    if not entry:
        return ""
    return " ".join(html.unescape(strip_tags(entry["value"])).split())


def _is_html(entry):
    kind = str(entry.get("contenttype") or "").lower()
    if "html" in kind or kind.endswith("xhtml"):
        return True
    return not kind and bool(re.search(r"<(p|br|div|h[1-6]|ul|ol|blockquote)\b", entry["value"]))


def _is_other_markup(entry):
    kind = str(entry.get("contenttype") or "").lower()
    return "nitf" in kind or (kind.endswith("xml") and "html" not in kind)


def _body(data, headline, mapped):
    bodies = [b for b in data.get("bodies") or [] if isinstance(b, dict) and b.get("value")]
    usable = [b for b in bodies if not _is_other_markup(b)]
    if bodies and not usable:
        mapped.warnings.append(("bodies", "only XML bodies (NITF and the like): no body."))
    marked = [b for b in usable if _is_html(b)]
    if marked:
        return _html_body(marked[0]["value"], headline)
    if usable:
        paragraphs = [" ".join(part.split()) for part in re.split(r"\n", usable[0]["value"])]
        return "".join(f"<p>{html.escape(part)}</p>" for part in paragraphs if part)
    return ""


def _html_body(value, headline):
    """The story's own markup: what is inside <body>, without <head> or a repeated headline."""
    value = _HEAD.sub("", value)
    inside = _BODY_TAG.search(value)
    if inside:
        value = inside.group(1)
    heading = _LEADING_H1.match(value)
    if heading and " ".join(strip_tags(heading.group(1)).split()) == headline:
        value = value[heading.end() :]
    return value.strip()


def _status(pubstatus, *, existing):
    if pubstatus in (None, "usable"):
        return "published"
    if pubstatus == "canceled" or existing:
        return "unpublished"
    return "draft"


def _tags(subjects):
    tags, seen = [], set()
    for subject in subjects or []:
        name = " ".join(str(subject.get("name") or "").split()) if isinstance(subject, dict) else ""
        if name and len(name) <= 100 and name.lower() not in seen:
            seen.add(name.lower())
            tags.append(name)
    return tags


def byline_names(by: str) -> list[str]:
    """The names a printed byline gives: "By Ana Writer and Ben Reporter/NTB"."""
    text = _BYLINE_PREFIX.sub("", " ".join(by.split()))
    return [name.strip(" ._-") for name in _BYLINE_SPLIT.split(text) if name.strip(" ._-")]


def _bylines(data, known, mapped):
    rows, seen = [], set()
    agencies = {
        str(s.get("name") or "").lower()
        for s in data.get("infosources") or []
        if isinstance(s, dict)
    } | {str(data.get("copyrightholder") or "").lower()}
    authors = [a for a in data.get("authors") or [] if isinstance(a, dict) and a.get("name")]
    bios = {a["name"]: a.get("biography") or "" for a in authors}
    # Who wrote it, most precise first: Superdesk's authors; the people and organisations
    # given as authors (as our export writes them); else the printed byline, read.
    names = [a["name"] for a in authors if a.get("role", "author") == "author"]
    if not names:
        for kind in ("people", "organisations"):
            for entry in data.get(kind) or []:
                if isinstance(entry, dict) and entry.get("rel") == "author" and entry.get("name"):
                    names.append(str(entry["name"]))
                    if kind == "organisations":
                        agencies.add(str(entry["name"]).lower())
    names = names or byline_names(str(data.get("by") or ""))
    for name in names:
        if len(name) > 120:
            mapped.warnings.append(("by", f"“{name[:40]}…” is too long for a name: left out."))
            continue
        lower = name.lower()
        if lower in seen:
            continue
        seen.add(lower)
        slug = known.agencies_by_name.get(lower)
        if slug is None and (lower in agencies or _looks_like_agency(name)):
            slug = _slug(name, "agency", known.taken_contributor_slugs)
            known.agencies_by_name[lower] = slug
            mapped.agencies.append({"slug": slug, "name": name, "short_name": name[:30]})
        if slug is not None:
            rows.append({"agency": slug})
            continue
        slug = known.authors_by_name.get(lower)
        if slug is None:
            slug = _slug(name, "author", known.taken_contributor_slugs)
            known.authors_by_name[lower] = slug
            author = {"slug": slug, "name": name}
            if bios.get(name):
                author["bio"] = strip_tags(bios[name]).strip()
            mapped.authors.append(author)
        rows.append({"author": slug})
    return rows


def _looks_like_agency(name):
    """A short single word in a byline is an agency's mark (AP, NTB, dpa, TT), not a person."""
    return " " not in name and len(name) <= 5


def _lead_photo(associations, story_uri, folder, mapped):
    pictures = [
        (n, a)
        for n, a in enumerate(associations or [], 1)
        if isinstance(a, dict) and a.get("type") == "picture"
    ]
    if not pictures:
        return None
    number, picture = pictures[0]
    where = f"associations[{number}]"
    found = _picture_file(picture.get("renditions"), folder)
    hrefs = [r.get("href") for r in picture.get("renditions") or [] if isinstance(r, dict)]
    if found is None and not any(hrefs):
        mapped.warnings.append((where, "the picture names no file: imported without it."))
        return None
    if found is None:
        mapped.problems.append(
            (
                where,
                f"no image file for this picture beside the document (renditions: "
                f"{', '.join(str(h) for h in hrefs if h)}); files are never fetched over the "
                "network: put them in the document's folder.",
            )
        )
        return None
    # Its own uri, else the story's and its name there (1.x associations may have no uri).
    uri = str(picture.get("uri") or f"{story_uri}#{picture.get('name') or number}")
    photo_id = uri if len(uri) <= 120 else "ninjs-" + hashlib.sha256(uri.encode()).hexdigest()[:40]
    name = f"{hashlib.sha256(photo_id.encode()).hexdigest()[:16]}{found.suffix.lower()}"
    mapped.files.append((found, name))
    caption = _text_of(_pick(picture.get("descriptions"), CAPTION_ROLES))
    credit = _text_of(
        _pick(
            [d for d in picture.get("descriptions") or [] if d.get("role") == "creditline"],
            ("creditline",),
        )
    )
    alt = _headline(picture)
    if not alt and caption:
        alt = caption[:300]
        mapped.warnings.append(
            (where, "no alt text in ninjs: the caption stands for it; check it.")
        )
    elif not alt:
        alt = "Photo"
        mapped.warnings.append((where, "no alt text or caption in ninjs: “Photo” stands for it."))
    photo = {"id": photo_id, "image": name, "alt_text": alt[:300]}
    for key, value in (
        ("caption", caption),
        ("creator", " ".join(str(picture.get("by") or "").split())[:200]),
        ("credit_line", credit[:300]),
        (
            "copyright_notice",
            str(picture.get("copyrightnotice") or picture.get("copyrightholder") or "")[:300],
        ),
        ("taken_at", picture.get("contentcreated")),
    ):
        if value:
            photo[key] = value
    rights = picture.get("rightsinfo")
    if isinstance(rights, dict) and str(rights.get("linkedrights", "")).startswith(
        ("http://", "https://")
    ):
        photo["license_url"] = rights["linkedrights"][:200]
    mapped.photos.append(photo)
    return photo


def _picture_file(renditions, folder):
    """The largest image rendition found in `folder`, by its href's path or its file name."""
    candidates = []
    for rendition in renditions or []:
        if not isinstance(rendition, dict) or not rendition.get("href"):
            continue
        kind = str(rendition.get("contenttype") or "").lower()
        href = str(rendition["href"])
        path = unquote(urlsplit(href).path)
        if not (kind.startswith("image/") or Path(path).suffix.lower() in IMAGE_SUFFIXES):
            continue
        scheme = urlsplit(href).scheme
        relative = Path(path) if scheme in ("", "file") and not Path(path).is_absolute() else None
        for candidate in filter(None, (relative, Path(Path(path).name) if path else None)):
            found = (folder / candidate).resolve()
            if found.is_file() and found.is_relative_to(folder.resolve()):
                width = rendition.get("width")
                candidates.append((width if isinstance(width, int | float) else 0, found))
                break
    return max(candidates, key=lambda c: c[0])[1] if candidates else None


def _new_slug(headline, uri, known):
    base = slugify(headline)[:80].strip("-") or "story"
    slug = base
    if slug in known.taken_slugs:
        slug = f"{base}-{hashlib.sha256(uri.encode()).hexdigest()[:8]}"
    known.taken_slugs.add(slug)
    return slug


def _slug(name, fallback, taken):
    """A new slug for a name, not one of `taken` (which it joins)."""
    base = slugify(name)[:70].strip("-")
    slug = base or fallback
    if not base or slug in taken:
        slug = f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
    taken.add(slug)
    return slug
