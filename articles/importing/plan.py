"""
Planning an import: each record becomes a model instance (the stored one with the file's
values applied, or a new one) with what it refers to resolved and what changed noted. Rows
the records refer to are fetched in bulk, a fixed number of queries per batch of records.
"""

import copy
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.dateparse import parse_datetime

from articles import html, services, text
from articles.importing.records import KEY_FIELDS, Record
from articles.models import (
    Agency,
    Article,
    Author,
    Byline,
    Correction,
    LiveEntry,
    Photo,
    RelatedLink,
    Section,
    file_sha256,
    image_suffix,
)
from articles.services.rows import LIVE_ENTRY_FIELDS
from articles.validators import validate_photo_file

MODELS = {
    "sections": Section,
    "agencies": Agency,
    "photos": Photo,
    "authors": Author,
    "articles": Article,
}
# The model field each kind's key is stored in.
KEY_COLUMNS = {**KEY_FIELDS, "photos": "external_id"}
SCALARS = {
    "sections": ["name", "description", "order", "in_navigation"],
    "agencies": ["name", "short_name", "website"],
    "photos": [
        "alt_text",
        "caption",
        "creator",
        "credit_line",
        "copyright_notice",
        "license_url",
        "acquire_license_url",
    ],
    "authors": ["name", "job_title", "bio"],
    "articles": [
        "headline",
        "standfirst",
        "dateline",
        "body",
        "status",
        "article_type",
        "sponsor",
        "lead_photo_caption",
        "seo_title",
        "seo_description",
        "embargo_note",
        "external_id",
        "external_version",
    ],
}
DATES = {
    "photos": ["taken_at"],
    "articles": [
        "publish_at",
        "embargoed_until",
        "first_published_at",
        "last_updated_at",
        "live_ended_at",
    ],
}
# The fields of each kind that name a record of another kind, and that kind.
RELATIONS = {
    "photos": [("source", "agencies")],
    "authors": [("portrait", "photos")],
    "articles": [("section", "sections"), ("lead_photo", "photos")],
}
DEFAULTS = {
    "order": 0,
    "in_navigation": True,
    "status": Article.Status.DRAFT,
    "article_type": Article.Type.NEWS,
}
NOUNS = {
    "sections": "section",
    "agencies": "agency",
    "photos": "photo",
    "authors": "author",
    "articles": "article",
}


@dataclass
class Plan:
    """One record: its instance (stored or new) with the file's values applied."""

    record: Record
    instance: object
    is_new: bool
    changed: list[str] = field(default_factory=list)
    # The instance as stored, before the file's values: who may change it.
    stored: object = None
    image_path: Path | None = None
    image_hash: str = ""
    image_name: str = ""
    # A photo record whose image the library (or the file) holds already: that photo serves.
    same_as: object = None
    bylines: list | None = None
    links: list | None = None
    tags: list | None = None
    # Corrections the article does not have yet (the same text and time): only ever added.
    corrections: list = field(default_factory=list)
    # The live blog's updates, when the record gives them (None: left as stored).
    live_entries: list | None = None
    # Links to articles further on in the file, written once those are.
    deferred_links: list | None = None

    @property
    def label(self):
        return self.record.label

    @property
    def key(self):
        return self.record.key


class Planner:
    """Turns records into plans, reporting every problem through `problem(plan, field, msg)`."""

    def __init__(self, *, folder: Path, problem, warn, article_keys: set[str]):
        self.folder = folder
        self.problem = problem
        self.warn = warn
        # Every kind's instances by key, from this file or the database, as found so far.
        self.known = {kind: {} for kind in MODELS}
        self.article_keys = article_keys
        # Ids of the stored articles that the current batch links to, by slug.
        self.target_ids = {}

    # Looking rows up, in bulk.

    def fetch(self, kind, keys):
        """Load the rows of `kind` with these keys not known yet: one query."""
        keys = _storable(keys) - set(self.known[kind])
        if not keys:
            return
        column = KEY_COLUMNS[kind]
        queryset = MODELS[kind].objects.filter(**{f"{column}__in": keys})
        if kind == "articles":
            queryset = queryset.select_related("lead_photo")
        for row in queryset:
            self.known[kind][getattr(row, column)] = row

    def fetch_targets(self, keys):
        """The ids of the stored articles with these slugs that links name: one query."""
        keys = _storable(keys) - set(self.known["articles"])
        self.target_ids = (
            dict(Article.objects.filter(slug__in=keys).values_list("slug", "pk")) if keys else {}
        )

    def resolve(self, kind, key, plan, field_name):
        """The instance `key` names; reports it when unknown."""
        if key is None:
            return None
        found = self.known[kind].get(key)
        if found is None:
            self.problem(plan, field_name, f"unknown {NOUNS[kind]} “{key}”.")
        return found

    # Records of every kind.

    def plan(self, record: Record, existing) -> Plan:
        kind, data = record.kind, record.data
        model = MODELS[record.kind]
        instance = existing if existing is not None else model(**{KEY_COLUMNS[kind]: record.key})
        plan = Plan(record, instance, existing is None, stored=copy.copy(existing))
        values = {name: data.get(name, DEFAULTS.get(name, "")) for name in SCALARS[kind]}
        # Text is made clean as it is read, so that no look-up or comparison meets a control
        # character (PostgreSQL refuses NUL even in a query). Broken text was refused before.
        for name, value in values.items():
            if isinstance(value, str) and name != "body":
                field = model._meta.get_field(name)
                values[name] = text.clean(value, multiline=field.get_internal_type() == "TextField")
        if kind == "articles":
            raw = values.pop("body")
            instance.set_body(raw)
            if plan.is_new or instance.body != plan.stored.body:
                plan.changed.append("body")
            removed = html.disallowed_tags(raw)
            if removed:
                self.warn(
                    plan,
                    "body",
                    "removed HTML that articles may not hold: "
                    + ", ".join(f"<{tag}>" for tag in removed),
                )
        for name in DATES.get(kind, []):
            # Left out, the first publication time is derived on publishing, not cleared.
            if name != "first_published_at" or name in data:
                values[name] = self.parse_date(plan, name, data.get(name))
        if kind == "photos":
            point = data.get("focal_point") or {}
            values["focal_point_x"], values["focal_point_y"] = point.get("x"), point.get("y")
        for name, value in values.items():
            if plan.is_new or getattr(instance, name) != value:
                setattr(instance, name, value)
                plan.changed.append(name)
        for name, target_kind in RELATIONS.get(kind, []):
            target = self.resolve(target_kind, data.get(name), plan, name)
            if plan.is_new or getattr(instance, f"{name}_id") != (target.pk if target else None):
                plan.changed.append(name)
            # Assigned even when unchanged, so that validation finds it without a query.
            setattr(instance, name, target)
        if kind == "photos":
            self.plan_image(plan, data["image"])
        self.known[kind][record.key] = instance
        return plan

    def parse_date(self, plan, name, value):
        if value is None:
            return None
        try:
            parsed = parse_datetime(value)
            # Stored in UTC: a time that cannot be expressed there is as unusable as a typo.
            if parsed is not None and parsed.tzinfo is not None:
                parsed.astimezone(UTC)
        except (ValueError, OverflowError):
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.problem(
                plan,
                name,
                f"“{value}” is not a date and time with a UTC offset "
                "(example: 2024-10-17T12:00:00+00:00).",
            )
            return None
        return parsed

    def plan_image(self, plan, relative):
        folder = self.folder.resolve()
        try:
            image_path = (folder / relative).resolve()
            inside, exists = image_path.is_relative_to(folder), image_path.is_file()
        except (OSError, ValueError) as error:
            self.problem(plan, "image", f"cannot use {relative!r} as a file name: {error}.")
            return
        if not inside:
            self.problem(plan, "image", "must be a path inside the fixture file's folder.")
            return
        if not exists:
            self.problem(plan, "image", f"no file at {relative}.")
            return
        try:
            with image_path.open("rb") as handle:
                plan.image_hash = file_sha256(File(handle))
                if plan.instance.content_hash == plan.image_hash:
                    return  # The stored image: checked when it was imported.
                validate_photo_file(File(handle, name=image_path.name))
                plan.image_name = image_path.stem + (
                    image_suffix(File(handle)) or image_path.suffix
                )
        except ValidationError as error:
            for message in error.messages:
                self.problem(plan, "image", f"{relative}: {message}")
            return
        except OSError as error:
            self.problem(plan, "image", f"cannot read {relative}: {error.strerror or error}.")
            return
        plan.image_path = image_path
        plan.changed.append("image")

    def photos_deduplicate(self, plans):
        """
        A photo record whose image is already in the library as another photo, or given
        earlier in this file, is that photo: reused, and said so. One query.
        """
        library = services.photo_duplicates(
            content_hashes=[plan.image_hash for plan in plans if plan.image_path]
        )
        first_in_file = {}
        for plan in plans:
            if not plan.image_path:
                continue
            earlier = first_in_file.get(plan.image_hash)
            stored = library.get(plan.image_hash)
            if earlier is not None:
                plan.same_as = earlier.instance
                why = f"the same image as photo “{earlier.key}” earlier in this file"
            elif stored is not None and stored.pk != plan.instance.pk:
                plan.same_as = stored
                why = f"the same image as photo {stored.pk} “{stored}” already in the library"
            else:
                first_in_file[plan.image_hash] = plan
                continue
            self.known["photos"][plan.key] = plan.same_as
            self.warn(plan, "image", f"{why}: that photo is used, and this record's text is not.")

    # Articles: their rows.

    def plan_article_rows(self, plan, stored_rows):
        """Bylines, related links and tags, checked by the rules the admin applies."""
        article, data = plan.instance, plan.record.data
        bylines = []
        for number, row in enumerate(data.get("bylines", []), start=1):
            where = f"bylines[{number}]"
            author = self.resolve("authors", row.get("author"), plan, f"{where}.author")
            agency = self.resolve("agencies", row.get("agency"), plan, f"{where}.agency")
            role = row.get("role", Byline.Role.AUTHOR)
            bylines.append(Byline(author=author, agency=agency, role=role))
        links, deferred = [], False
        for number, row in enumerate(data.get("related_links", []), start=1):
            link = RelatedLink(url=row.get("url", ""), title=row.get("title", ""))
            key = row.get("article")
            if key is not None:
                # An article of this batch is written with it, even when new; one written
                # before is linked by its id.
                if key in self.known["articles"]:
                    link.target = self.known["articles"][key]
                elif key in self.target_ids:
                    link.target_id = self.target_ids[key]
                elif key in self.article_keys:
                    # Further on in this file: linked once it is written.
                    deferred = True
                else:
                    where = f"related_links[{number}].article"
                    self.problem(plan, where, f"unknown article “{key}”.")
            links.append(link)
        tags = sorted(set(data.get("tags", [])))
        stored = stored_rows.get(article.pk) if article.pk else None
        keys = {
            "bylines": [(b.author_id, b.agency_id, b.role) for b in bylines],
            "related_links": [(link.target_id, link.url, link.title) for link in links],
            "tags": set(tags),
        }
        if stored is None or keys["bylines"] != stored["bylines"]:
            plan.bylines = bylines
        if deferred:
            plan.deferred_links = links
        elif stored is None or keys["related_links"] != stored["related_links"]:
            plan.links = links
        if stored is None or keys["tags"] != stored["tags"]:
            plan.tags = tags
        for name, given in (("bylines", plan.bylines), ("related_links", plan.links)):
            if given is not None or (name == "related_links" and deferred):
                plan.changed.append(name)
        if plan.tags is not None:
            plan.changed.append("tags")
        self.plan_corrections(plan, stored["corrections"] if stored else set())
        self.plan_live_entries(plan, stored["live_entries"] if stored else set())

    def plan_live_entries(self, plan, stored):
        """The record's live updates with what they name resolved; compared when written."""
        rows = plan.record.data.get("live_entries")
        if rows is None:
            return
        plan.live_entries = []
        for number, row in enumerate(rows, start=1):
            where = f"live_entries[{number}]"
            when = self.parse_date(plan, f"{where}.published_at", row["published_at"])
            entry = LiveEntry(
                published_at=when,
                title=text.clean(row.get("title", ""), multiline=False),
                body=row["body"],
                photo_caption=text.clean(row.get("photo_caption", "")),
                pinned=row.get("pinned", False),
                key_event=row.get("key_event", False),
            )
            for name, kind in (("photo", "photos"), ("author", "authors"), ("agency", "agencies")):
                setattr(entry, name, self.resolve(kind, row.get(name), plan, f"{where}.{name}"))
            plan.live_entries.append(entry)
        given = {_entry_values(entry) for entry in plan.live_entries}
        if given == stored and len(given) == len(plan.live_entries):
            plan.live_entries = None  # As stored: neither rewritten nor counted.
        else:
            plan.changed.append("live_entries")

    def plan_corrections(self, plan, stored):
        """The record's corrections that the article does not have yet, with their times."""
        seen = set(stored)
        for number, row in enumerate(plan.record.data.get("corrections", []), start=1):
            where = f"corrections[{number}].published_at"
            when = self.parse_date(plan, where, row["published_at"])
            wording = services.correction_wording(row["text"])
            if when is None or (wording, when) in seen:
                continue
            seen.add((wording, when))
            plan.corrections.append(Correction(text=wording, published_at=when))
        if plan.corrections:
            plan.changed.append("corrections")


def _entry_values(entry):
    """A live update's values as stored (rows_as_stored() has them so), for comparison."""
    return tuple(
        html.sanitize(entry.body, media=False) if name == "body" else getattr(entry, name)
        for name in LIVE_ENTRY_FIELDS
    )


def _storable(keys):
    """The keys that could be stored at all: text without NUL, which no database row holds."""
    return {key for key in keys if isinstance(key, str) and "\x00" not in key}
