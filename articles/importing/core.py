"""
Importing one fixture file: read (records) → plan and check (plan, access) → write through
the services, batch by batch, in one transaction. The articles are streamed in batches, so
memory stays bounded however large the file; the queries are a fixed number per batch.
"""

from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction

from articles import services
from articles.importing import access, ninjs, records
from articles.importing.plan import MODELS, RELATIONS, Planner
from articles.importing.report import Problem, Report
from articles.importing.writing import BATCH_SIZE, ArticleWriting, Rollback, message_dict
from articles.models import Article
from articles.services import events


def import_file(
    path,
    *,
    dry_run=False,
    user=None,
    progress: Callable[[int, int], None] | None = None,
    section: str | None = None,
    ninjs_schema: str | None = None,
) -> Report:
    """
    Import one fixture file, or IPTC ninjs (a file, or a folder of them: articles.importing.
    ninjs; its stories go to `section`, checked against schema `ninjs_schema` when given).
    Returns its report; when `report.problems` is not empty, nothing from the file was
    written. Never raises for bad content. `progress(done, total)` is told how many of the
    file's articles are done after each batch.

    With a `user`, the file may do only what that user may do in the admin: a record they
    could not save (another's article, a published one from a reporter, a new section from
    someone who may not add sections) is a problem. Without one, the import runs as the
    system and may do everything.
    """
    path = Path(path)
    # A schema named says the file is ninjs, whatever it holds (even "{}").
    if ninjs_schema or ninjs.is_ninjs(path):
        return ninjs.import_ninjs(
            path,
            import_fixture=_import_fixture,
            section=section,
            schema_version=ninjs_schema,
            dry_run=dry_run,
            user=user,
            progress=progress,
        )
    return _import_fixture(path, dry_run=dry_run, user=user, progress=progress)


def _import_fixture(path, *, dry_run, user, progress):
    return _FileImport(path, dry_run=dry_run, user=user, progress=progress).run()


class _FileImport(ArticleWriting):
    def __init__(self, path, *, dry_run, user, progress):
        self.path = path
        self.user = user
        self.progress = progress or (lambda done, total: None)
        self.article_total = 0
        self.report = Report(file=str(path), dry_run=dry_run)
        self.failed_records = set()
        self.written_files = []
        self.deferred = []  # (article slug, links) to write once every article is
        self.writing = True

    # Reporting

    def problem(self, plan_or_label, field_name, message):
        label = plan_or_label if isinstance(plan_or_label, str) else plan_or_label.label
        self.report.problems.append(Problem(str(self.path), label, field_name, str(message)))
        if label:
            self.failed_records.add(label)
        self.writing = False

    def warn(self, plan, field_name, message):
        self.report.warnings.append(Problem(str(self.path), plan.label, field_name, message))

    def count(self, plan):
        if not plan.changed or plan.same_as is not None:
            self.report.unchanged += 1
        elif plan.is_new:
            self.report.created += 1
        else:
            self.report.updated += 1

    # The steps

    def run(self):
        try:
            outline = records.outline(self.path)
        except records.FileProblem as error:
            self.problem("", "", str(error))
            return self.finish()
        self.article_total = outline.article_count
        self.exact = outline.exact
        for name, message in outline.top_level_errors:
            self.problem("", name, message)
        self.planner = Planner(
            folder=self.path.parent,
            problem=self.problem,
            warn=self.warn,
            article_keys=outline.article_keys,
        )
        note = f"Imported from {self.path.name}"
        try:
            with transaction.atomic(), events.door(events.Door.IMPORT, note=note):
                self.small_kinds(outline)
                self.articles()
                self.write_deferred_links()
                if self.report.problems or self.report.dry_run:
                    raise Rollback
        except Rollback:
            self.remove_written_files()
        except records.FileProblem as error:
            self.remove_written_files()
            self.problem("", "", str(error))
        except (DatabaseError, OSError, ValidationError, PermissionDenied) as error:
            self.remove_written_files()
            self.problem("", "", f"nothing imported: {_message(error)}")
        except BaseException:
            self.remove_written_files()
            raise
        return self.finish()

    def finish(self):
        if self.report.problems:
            self.report.failed = len(self.failed_records) or 1
            self.report.created = self.report.updated = self.report.unchanged = 0
        return self.report

    # Sections, agencies, photos and authors: few, planned and written whole.

    def small_kinds(self, outline):
        for kind in records.SMALL_KINDS:
            plans = self.plan_records(outline.small[kind])
            if kind == "photos":
                self.planner.photos_deduplicate(plans)
            if kind in ("sections", "agencies"):
                self.check_unique_names(kind, plans)
            for plan in plans:
                self.clean(plan)
                access.check(plan, user=self.user, problem=self.problem)
                self.count(plan)
            if self.writing:
                self.write_small(kind, plans)

    def plan_records(self, kind_records):
        """Plans of the records that fit the schema, each key once; stored rows in one query."""
        return self.plan_checked(self.checked(kind_records))

    def checked(self, kind_records):
        """The records that fit the schema, each key once; the others reported."""
        good, seen = [], set()
        for record in kind_records:
            found = records.problems(record)
            for field_name, message in found:
                self.problem(record.label, field_name, message)
            if found:
                continue
            if record.key in seen:
                field_name = records.KEY_FIELDS[record.kind]
                self.problem(
                    record.label, field_name, f"“{record.key}” appears twice in this file."
                )
                continue
            seen.add(record.key)
            good.append(record)
        return good

    def plan_checked(self, good):
        if not good:
            return []
        kind = good[0].kind
        self.fetch_references(kind, [record.data for record in good])
        existing = dict(self.planner.known[kind])
        return [self.planner.plan(record, existing.get(record.key)) for record in good]

    def fetch_references(self, kind, datas):
        """Every row `datas` (records of `kind`) name, not known yet: a query per kind."""
        keys = {kind: [data[records.KEY_FIELDS[kind]] for data in datas]}
        for name, target in RELATIONS.get(kind, []):
            keys.setdefault(target, []).extend(data.get(name) for data in datas)
        if kind == "articles":
            for data in datas:
                for row in [*data.get("bylines", []), *data.get("live_entries", [])]:
                    keys.setdefault("authors", []).append(row.get("author"))
                    keys.setdefault("agencies", []).append(row.get("agency"))
                for row in data.get("live_entries", []):
                    keys.setdefault("photos", []).append(row.get("photo"))
        for target, wanted in keys.items():
            self.planner.fetch(target, wanted)
        if kind == "articles":
            self.planner.fetch_targets(
                row.get("article") for data in datas for row in data.get("related_links", [])
            )

    def check_unique_names(self, kind, plans):
        """Section and agency names are unique too: checked for the whole file in one query."""
        model = MODELS[kind]
        by_name = {plan.instance.name: plan for plan in reversed(plans)}
        taken = model.objects.filter(name__in=by_name).exclude(slug__in=[p.key for p in plans])
        for row in taken:
            self.problem(
                by_name[row.name], "name", f"“{row.name}” is already the name of “{row.slug}”."
            )
        seen = set()
        for plan in plans:
            if plan.instance.name in seen:
                self.problem(plan, "name", f"“{plan.instance.name}” appears twice in this file.")
            seen.add(plan.instance.name)

    def clean(self, plan):
        """
        Model field and clean() rules. Relations, the image, keys, names and the rules of the
        database constraints were checked above for the whole file at once, not a query a row.
        """
        if not plan.changed or plan.same_as is not None:
            return
        exclude = {"image", "content_hash", "portrait", "source", "external_id"}
        try:
            plan.instance.full_clean(
                exclude=exclude, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self.report_error(plan, error)

    def report_error(self, plan, error):
        reported = {(p.record, p.field) for p in self.report.problems}
        for name, messages in message_dict(error).items():
            # The fixture's words for the model's fields.
            name = "" if name == "__all__" else name.replace(".target", ".article")
            # A field already reported (an unreadable date, say) is not reported twice.
            if (plan.label, name) in reported:
                continue
            for message in messages:
                self.problem(plan, name, message)

    def write_small(self, kind, plans):
        changed = [plan for plan in plans if plan.changed and plan.same_as is None]
        if not changed:
            return
        if kind != "photos":
            services.contents_save(
                instances=[plan.instance for plan in changed],
                user=self.user,
                fields={id(plan.instance): plan.changed for plan in changed},
                validate_unique=False,
            )
            return
        for plan in changed:
            photo = plan.instance
            old_name = "" if plan.is_new else photo.image.name
            if plan.image_path:
                with plan.image_path.open("rb") as handle:
                    photo.image.save(plan.image_name, File(handle), save=False)
                self.written_files.append(photo.image.name)
                photo.content_hash = plan.image_hash
            services.photo_save(photo=photo, user=self.user, fields=plan.changed)
            if old_name and plan.image_path:
                transaction.on_commit(lambda name=old_name: default_storage.delete(name))

    # Articles: streamed in batches.

    def articles(self):
        batch = []
        for record in records.articles(self.path, exact=self.exact):
            batch.append(record)
            if len(batch) >= BATCH_SIZE:
                self.articles_batch(batch)
                batch = []
        if batch:
            self.articles_batch(batch)

    def articles_batch(self, batch):
        # Articles are looked up afresh for each batch: memory stays bounded.
        self.planner.known["articles"] = {}
        plans = self.plan_checked(self.changed_only(self.checked(batch)))
        stored_rows = services.rows_as_stored(
            [p.instance for p in plans if not p.is_new],
            corrections=any(p.record.data.get("corrections") for p in plans),
            live_entries=any("live_entries" in p.record.data for p in plans),
        )
        for plan in plans:
            self.planner.plan_article_rows(plan, stored_rows)
            access.check(plan, user=self.user, problem=self.problem)
            self.count(plan)
        changed = [plan for plan in plans if plan.changed]
        if self.writing and changed:
            self.write_articles(changed)
        elif changed:
            self.diagnose(changed)
        self.report.articles += len(batch)
        self.progress(self.report.articles, self.article_total)

    def changed_only(self, batch):
        """
        The records that may change their article: one imported from the very same record,
        and changed by nothing since, is unchanged (one query for the batch).
        """
        for record in batch:
            record.fingerprint = records.fingerprint(record.data)
        keys = [record.key for record in batch]
        stored = dict(
            Article.objects.filter(slug__in=keys).values_list("slug", "import_fingerprint")
        )
        changed = []
        for record in batch:
            if stored.get(record.key) == record.fingerprint:
                access.check_unchanged(record, user=self.user, problem=self.problem)
                self.report.unchanged += 1
            else:
                changed.append(record)
        return changed

    def remove_written_files(self):
        for name in self.written_files:
            default_storage.delete(name)
        self.written_files = []


def _message(error):
    return "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
