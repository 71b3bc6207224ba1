"""Reading, validating and writing one fixture file: the steps `import_file()` runs."""

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC
from functools import partial
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils.dateparse import parse_datetime
from taggit.models import TaggedItem

from articles import html, permissions, services
from articles.importing import schema
from articles.importing.report import Problem, Report
from articles.models import (
    Agency,
    Article,
    Author,
    Byline,
    Photo,
    RelatedLink,
    Section,
    file_sha256,
    image_suffix,
)
from articles.validators import validate_photo_file, validate_tag_name

# Write order: every kind comes after the kinds it refers to.
KINDS = {
    "sections": (Section, "slug"),
    "agencies": (Agency, "slug"),
    "photos": (Photo, "id"),
    "authors": (Author, "slug"),
    "articles": (Article, "slug"),
}
_SCALARS = {
    "sections": ["name", "description", "order", "in_navigation"],
    "agencies": ["name", "short_name", "website"],
    "photos": ["alt_text", "caption", "creator", "credit_line", "copyright_notice"],
    "authors": ["name", "job_title", "bio"],
    "articles": [
        "headline",
        "standfirst",
        "body",
        "status",
        "lead_photo_caption",
        "seo_title",
        "seo_description",
    ],
}
_DATES = {
    "photos": ["taken_at"],
    "articles": ["publish_at", "first_published_at", "last_updated_at"],
}
# The fields of each kind that name a record of another kind, and that kind.
_RELATIONS = {
    "photos": [("source", "agencies")],
    "authors": [("portrait", "photos")],
    "articles": [("section", "sections"), ("lead_photo", "photos")],
}
_DEFAULTS = {"order": 0, "in_navigation": True, "status": Article.Status.DRAFT}


def import_file(path, *, dry_run=False, user=None) -> Report:
    """
    Import one fixture file. Returns its report; when `report.problems` is not empty,
    nothing from the file was written. Never raises for bad content.

    With a `user`, the file may do only what that user may do in the admin: a record they
    could not save (another's article, a published one from a reporter, a new section from
    someone who may not add sections) is a problem. Without one, the import runs as the
    system and may do everything.
    """
    return _FileImport(Path(path), dry_run=dry_run, user=user).run()


class _DryRunRollback(Exception):
    pass


@dataclass
class _Plan:
    """One record: its model instance (existing or new) with the file's values applied."""

    kind: str
    index: int
    key: str
    instance: object
    is_new: bool
    changed: bool
    data: dict
    image_path: Path | None = None
    image_hash: str = ""
    image_name: str = ""
    bylines: list = field(default_factory=list)
    links: list = field(default_factory=list)
    tags: list = field(default_factory=list)

    @property
    def label(self):
        return f"record {self.kind}[{self.index + 1}] ({self.key})"


class _FileImport:
    def __init__(self, path, *, dry_run, user=None):
        self.path = path
        self.user = user
        self.report = Report(file=str(path), dry_run=dry_run)
        self.plans = {kind: [] for kind in KINDS}
        self.by_key = {kind: {} for kind in KINDS}
        self.failed_records = set()
        self.written_files = []

    # Reporting

    def problem(self, record, field_name, message):
        self.report.problems.append(Problem(str(self.path), record, field_name, str(message)))
        if record:
            self.failed_records.add(record)

    def warn(self, record, field_name, message):
        self.report.warnings.append(Problem(str(self.path), record, field_name, message))

    # The steps

    def run(self):
        data = self.parse()
        if data is not None and self.check_schema(data):
            self.validate(data)
        if self.report.problems:
            self.report.failed = len(self.failed_records) or 1
            return self.report
        try:
            self.write()
        except _DryRunRollback:
            self.remove_written_files()
        except (DatabaseError, OSError, ValidationError) as error:
            self.remove_written_files()
            self.problem("", "", f"nothing imported: {error}")
            self.report.created = self.report.updated = self.report.unchanged = 0
            self.report.failed = 1
        return self.report

    def parse(self):
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.problem("", "", f"cannot read the file: {error}")
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            self.problem(
                "", "", f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
            )
            return None

    def check_schema(self, data):
        errors = sorted(
            schema.validator().iter_errors(data),
            key=lambda error: [(isinstance(part, str), part) for part in error.absolute_path],
        )
        for error in errors:
            record, field_name = self.locate(data, list(error.absolute_path))
            missing, message = schema.message(error)
            self.problem(record, ".".join(filter(None, [field_name, missing])), message)
        return not errors

    def locate(self, data, path):
        """Turn a JSON path into (record label, field path) for a message."""
        if len(path) >= 2 and path[0] in KINDS and isinstance(path[1], int):
            kind, index = path[0], path[1]
            record = data[kind][index]
            key_name = KINDS[kind][1]
            key = record.get(key_name, "?") if isinstance(record, dict) else "?"
            label = f"record {kind}[{index + 1}] ({key})"
            parts = []
            for part in path[2:]:
                if isinstance(part, int):
                    parts[-1] = f"{parts[-1]}[{part + 1}]"
                else:
                    parts.append(str(part))
            return label, ".".join(parts)
        return "", ".".join(str(part) for part in path)

    def validate(self, data):
        self.load_existing(data)
        for kind in KINDS:
            seen = set()
            for index, record in enumerate(data.get(kind, [])):
                key = record[KINDS[kind][1]]
                plan = self.plan(kind, index, key, record)
                if key in seen:
                    self.problem(plan.label, KINDS[kind][1], f"“{key}” appears twice in this file.")
                    continue
                seen.add(key)
                self.plans[kind].append(plan)
                self.by_key[kind][key] = plan.instance
        for plan in self.plans["articles"]:
            self.plan_article_rows(plan)
        self.check_unique_names()
        self.check_permissions()
        for kind in KINDS:
            for plan in self.plans[kind]:
                self.clean(plan)

    def check_permissions(self):
        """
        Refuse what the importing user may not do, record by record. An unchanged record
        writes nothing and needs no permission, but an article's status is checked on every
        record: a file from someone who may not publish holds no published article.
        """
        user = self.user
        if user is None:
            return
        for kind, (model, _) in KINDS.items():
            for plan in self.plans[kind]:
                action = "add" if plan.is_new else "change"
                codename = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
                if kind == "articles":
                    self.check_article_permissions(plan)
                elif plan.changed and not user.has_perm(codename):
                    noun = model._meta.verbose_name_plural
                    self.problem(plan.label, "", f"{user} may not {action} {noun}.")
                elif (
                    kind == "photos"
                    and plan.changed
                    and not plan.is_new
                    and not permissions.can_edit_photo(user, plan.instance)
                ):
                    self.problem(plan.label, "", f"{user} may not change this photo.")

    def check_article_permissions(self, plan):
        user, article = self.user, plan.instance
        if article.status not in permissions.allowed_statuses(user):
            self.problem(plan.label, "status", f"{user}: {permissions.REFUSED_PUBLISHING}")
        if not plan.changed:
            return
        stored = self.stored_articles.get(article.pk)
        if stored is None:
            if not permissions.can_add(user):
                self.problem(plan.label, "", f"{user} may not add articles.")
            article.created_by = user
        elif not permissions.can_edit(user, stored):
            self.problem(plan.label, "", f"{user} may not change this article.")
            return
        if not permissions.can_publish(user):
            for name in _DATES["articles"]:
                if getattr(article, name) != getattr(stored, name, None):
                    self.problem(plan.label, name, f"{user}: only editors set publication times.")

    def check_unique_names(self):
        """Section and agency names are unique too: checked for the whole file in one query each."""
        for kind in ("sections", "agencies"):
            model = KINDS[kind][0]
            plans = {plan.instance.name: plan for plan in reversed(self.plans[kind])}
            taken = model.objects.filter(name__in=plans).exclude(
                slug__in=[p.key for p in plans.values()]
            )
            for row in taken:
                self.problem(
                    plans[row.name].label,
                    "name",
                    f"“{row.name}” is already the name of “{row.slug}”.",
                )
            seen = set()
            for plan in self.plans[kind]:
                if plan.instance.name in seen:
                    self.problem(
                        plan.label, "name", f"“{plan.instance.name}” appears twice in this file."
                    )
                seen.add(plan.instance.name)

    def load_existing(self, data):
        """Fetch every row the file names or refers to: one query per kind."""
        wanted = {kind: {r[KINDS[kind][1]] for r in data.get(kind, [])} for kind in KINDS}
        for kind, relations in _RELATIONS.items():
            for record in data.get(kind, []):
                for name, target_kind in relations:
                    wanted[target_kind].add(record.get(name))
        for record in data.get("articles", []):
            for byline in record.get("bylines", []):
                wanted["authors"].add(byline.get("author"))
                wanted["agencies"].add(byline.get("agency"))
            for link in record.get("related_links", []):
                wanted["articles"].add(link.get("article"))
        self.existing = {}
        for kind, (model, key_name) in KINDS.items():
            lookup = "external_id" if kind == "photos" else key_name
            keys = wanted[kind] - {None}
            rows = model.objects.filter(**{f"{lookup}__in": keys}) if keys else []
            self.existing[kind] = {getattr(row, lookup): row for row in rows}
        # The articles as stored, before the file's values are applied: who may change them.
        self.stored_articles = {a.pk: copy.copy(a) for a in self.existing["articles"].values()}
        self.load_existing_article_rows()

    def load_existing_article_rows(self):
        articles = self.existing["articles"].values()
        ids = [article.pk for article in articles]
        self.existing_bylines = {pk: [] for pk in ids}
        for row in Byline.objects.filter(article__in=ids).order_by("position", "pk"):
            self.existing_bylines[row.article_id].append((row.author_id, row.agency_id, row.role))
        self.existing_links = {pk: [] for pk in ids}
        for row in RelatedLink.objects.filter(article__in=ids).order_by("position", "pk"):
            self.existing_links[row.article_id].append((row.target_id, row.url, row.title))
        self.existing_tags = {pk: set() for pk in ids}
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article), object_id__in=ids
        ).values_list("object_id", "tag__name")
        for object_id, name in tagged:
            self.existing_tags[object_id].add(name)

    def resolve(self, kind, key, plan, field_name):
        """The instance `key` names, from this file or the database; reports it when unknown."""
        if key is None:
            return None
        found = self.by_key[kind].get(key) or self.existing[kind].get(key)
        if found is None:
            noun = {"photos": "photo", "agencies": "agency", "authors": "author"}.get(
                kind, kind[:-1]
            )
            self.problem(plan.label, field_name, f"unknown {noun} “{key}”.")
        return found

    def plan(self, kind, index, key, record):
        model, key_name = KINDS[kind]
        existing = self.existing[kind].get(key)
        instance = existing or model(
            **({"external_id": key} if kind == "photos" else {key_name: key})
        )
        plan = _Plan(kind, index, key, instance, existing is None, existing is None, record)
        values = {name: record.get(name, _DEFAULTS.get(name, "")) for name in _SCALARS[kind]}
        if kind == "articles":
            values["body"] = html.sanitize(values["body"])
            removed = html.disallowed_tags(record.get("body", ""))
            if removed:
                self.warn(
                    plan.label,
                    "body",
                    "removed HTML that articles may not hold: "
                    + ", ".join(f"<{tag}>" for tag in removed),
                )
        for name in _DATES.get(kind, []):
            # Left out, the first publication time is derived on publishing, not cleared.
            if name != "first_published_at" or name in record:
                values[name] = self.parse_date(plan, name, record.get(name))
        if kind == "photos":
            point = record.get("focal_point") or {}
            values["focal_point_x"], values["focal_point_y"] = point.get("x"), point.get("y")
        for name, value in values.items():
            if getattr(instance, name) != value:
                setattr(instance, name, value)
                plan.changed = True
        for name, target_kind in _RELATIONS.get(kind, []):
            target = self.resolve(target_kind, record.get(name), plan, name)
            if getattr(instance, f"{name}_id") != (target.pk if target else None) or (
                target is not None and target.pk is None
            ):
                plan.changed = True
            # Assigned even when unchanged, so that model validation finds it without a query.
            setattr(instance, name, target)
        if kind == "photos":
            self.plan_image(plan, record["image"])
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
                plan.label,
                name,
                f"“{value}” is not a date and time with a UTC offset "
                "(example: 2024-10-17T12:00:00+00:00).",
            )
            return None
        return parsed

    def plan_image(self, plan, relative):
        folder = self.path.parent.resolve()
        try:
            image_path = (folder / relative).resolve()
            inside, exists = image_path.is_relative_to(folder), image_path.is_file()
        except (OSError, ValueError) as error:
            self.problem(plan.label, "image", f"cannot use {relative!r} as a file name: {error}.")
            return
        if not inside:
            self.problem(plan.label, "image", "must be a path inside the fixture file's folder.")
            return
        if not exists:
            self.problem(plan.label, "image", f"no file at {relative}.")
            return
        with image_path.open("rb") as handle:
            try:
                validate_photo_file(File(handle, name=image_path.name))
            except ValidationError as error:
                for message in error.messages:
                    self.problem(plan.label, "image", f"{relative}: {message}")
                return
            plan.image_path, plan.image_hash = image_path, file_sha256(File(handle))
            plan.image_name = image_path.stem + (image_suffix(File(handle)) or image_path.suffix)
        if plan.instance.content_hash != plan.image_hash:
            plan.changed = True

    def plan_article_rows(self, plan):
        """Bylines and related links, checked by the same rules the admin applies."""
        article, record = plan.instance, plan.data
        for number, row in enumerate(record.get("bylines", []), start=1):
            where = f"bylines[{number}]"
            author = self.resolve("authors", row.get("author"), plan, f"{where}.author")
            agency = self.resolve("agencies", row.get("agency"), plan, f"{where}.agency")
            role = row.get("role", Byline.Role.AUTHOR)
            self.plan_row(plan, "bylines", Byline(author=author, agency=agency, role=role))
        for number, row in enumerate(record.get("related_links", []), start=1):
            where = f"related_links[{number}]"
            target = self.resolve("articles", row.get("article"), plan, f"{where}.article")
            link = RelatedLink(target=target, url=row.get("url", ""), title=row.get("title", ""))
            self.plan_row(plan, "related_links", link)
        for name, model, rows in (
            ("bylines", Byline, plan.bylines),
            ("related_links", RelatedLink, plan.links),
        ):
            try:
                services.article_rows_check(article=article, model=model, rows=rows)
            except ValidationError as error:
                self.problem(plan.label, f"{name}[{error.params['row'] + 1}]", error.messages[0])
        plan.tags = sorted(set(record.get("tags", [])))
        for name in plan.tags:
            try:
                validate_tag_name(name)
            except ValidationError as error:
                self.problem(plan.label, "tags", error.messages[0])
        if not plan.is_new and (
            [(b.author_id, b.agency_id, b.role) for b in plan.bylines]
            != self.existing_bylines[article.pk]
            or [(link.target_id, link.url, link.title) for link in plan.links]
            != self.existing_links[article.pk]
            or set(plan.tags) != self.existing_tags[article.pk]
        ):
            plan.changed = True

    def plan_row(self, plan, name, row):
        """Check one byline or related link of `plan` and add it to the planned rows."""
        rows = plan.bylines if name == "bylines" else plan.links
        rows.append(row)
        where = f"{name}[{len(rows)}]"
        try:
            services.article_row_clean(row=row)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                field_name = {"__all__": "", "target": "article"}.get(field_name, field_name)
                for message in messages:
                    self.problem(plan.label, ".".join(filter(None, [where, field_name])), message)

    def clean(self, plan):
        """
        Model field and clean() rules. Relations, the image, keys, names and the rules of the
        database constraints were checked above for the whole file at once, not a query a row.
        """
        exclude = {
            "image",
            "content_hash",
            "section",
            "lead_photo",
            "portrait",
            "source",
            "external_id",
        }
        try:
            plan.instance.full_clean(
                exclude=exclude, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            reported = {(p.record, p.field) for p in self.report.problems}
            for name, messages in error.message_dict.items():
                name = "" if name == "__all__" else name
                # A field already reported (an unreadable date, say) is not reported twice.
                if (plan.label, name) in reported:
                    continue
                for message in messages:
                    self.problem(plan.label, name, message)

    # Writing

    def write(self):
        try:
            with transaction.atomic():
                for kind in KINDS:
                    for plan in self.plans[kind]:
                        self.save(plan)
                for plan in self.plans["articles"]:
                    if plan.changed:
                        self.save_article_rows(plan)
                if self.report.dry_run:
                    raise _DryRunRollback
        except BaseException:
            self.remove_written_files()
            raise

    def save(self, plan):
        if not plan.changed:
            self.report.unchanged += 1
            return
        instance = plan.instance
        if plan.kind == "photos" and instance.content_hash != plan.image_hash:
            old_name = instance.image.name if not plan.is_new else ""
            with plan.image_path.open("rb") as handle:
                instance.image.save(plan.image_name, File(handle), save=False)
            self.written_files.append(instance.image.name)
            instance.content_hash = plan.image_hash
            if old_name:
                transaction.on_commit(lambda: default_storage.delete(old_name))
        instance.save()
        if plan.kind == "photos":
            # After the commit, so a dry run or a failed file makes none.
            transaction.on_commit(partial(services.photo_renditions_make, photo=instance))
        if plan.is_new:
            self.report.created += 1
        else:
            self.report.updated += 1

    def save_article_rows(self, plan):
        article = plan.instance
        services.article_rows_replace(article=article, model=Byline, rows=plan.bylines)
        services.article_rows_replace(article=article, model=RelatedLink, rows=plan.links)
        article.tags.set(plan.tags)

    def remove_written_files(self):
        for name in self.written_files:
            default_storage.delete(name)
        self.written_files = []
