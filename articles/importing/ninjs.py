"""
Importing IPTC ninjs: items read and checked (ninjs_read), mapped to our fixture format's
records (ninjs_map), and imported as a fixture is (core), through the one write path, so that
every rule, revision and announcement is the same whichever format a story came in. An item
is matched to a story imported before by its uri (or Superdesk's guid): a newer version
updates it, an older or equal one is skipped and said so.
"""

import json
import shutil
import tempfile
from pathlib import Path

import ijson
from django.db.models.functions import Lower
from django.utils.text import slugify

from articles.importing import ninjs_map, ninjs_read
from articles.importing.report import Problem, Report
from articles.models import Agency, Article, Author, Section

DEFAULT_SECTION = "wire"


def is_ninjs(path: Path) -> bool:
    """
    Whether `path` is ninjs: a folder of it, or a file whose first object (the document, or
    the first of an array) begins with a ninjs field. Anything else is read as our fixture
    format, which says what is wrong with it.
    """
    if path.is_dir():
        return True
    try:
        with path.open("rb") as file:
            for prefix, event, value in ijson.parse(file):
                if event == "map_key" and prefix in ("", "item"):
                    return ninjs_read.is_ninjs_key(value)
                if event not in ("start_array", "start_map") or prefix not in ("", "item"):
                    return False
                if event == "start_array" and prefix == "item":
                    return False
    except (OSError, ijson.JSONError, ValueError, RecursionError):
        return False
    return False


def import_ninjs(path: Path, *, import_fixture, section=None, schema_version=None, **options):
    """
    Import every story of a ninjs file or folder; `import_fixture(path, **options)` imports
    the fixture its items make. Returns the report, in terms of the ninjs items.
    """
    report = Report(file=str(path), dry_run=options.get("dry_run", False))
    try:
        items = ninjs_read.read_items(path, schema_version=schema_version)
    except ninjs_read.NinjsFileProblem as error:
        return _failed(report, [Problem(str(path), "", "", str(error))])
    problems = []
    for item in items:
        for note in item.notes:
            report.warnings.append(Problem(str(item.file), "", "", note))
        problems += [Problem(str(item.file), item.label, f, m) for f, m in item.problems]
    if problems:
        return _failed(report, problems)

    section_slug = section or DEFAULT_SECTION
    datas = [ninjs_map.normalized(item.data, item.version) for item in items]
    known = _known(section_slug, datas)
    fixture = {kind: [] for kind in ("sections", "agencies", "photos", "authors", "articles")}
    if not Section.objects.filter(slug=section_slug).exists():
        if section:
            return _failed(report, [Problem(str(path), "", "section", f"no section “{section}”.")])
        fixture["sections"].append(
            {"slug": DEFAULT_SECTION, "name": "Wire", "in_navigation": False}
        )
    labels, files, newest = {}, [], {}
    for item, data in zip(items, datas, strict=True):
        mapped = ninjs_map.map_item(data, known, folder=item.file.parent)
        where = (str(item.file), item.label)
        report.warnings += [Problem(*where, f, m) for f, m in mapped.warnings]
        problems += [Problem(*where, f, m) for f, m in mapped.problems]
        if mapped.skipped:
            report.warnings.append(Problem(*where, "type", mapped.skipped))
            continue
        if mapped.article is None:
            continue
        uri, version = data["uri"], mapped.article["external_version"]
        stored = known.versions_by_uri.get(uri)
        if uri in known.slugs_by_uri and not ninjs_map.is_newer(version, stored or ""):
            report.warnings.append(
                Problem(*where, "version", "not newer than the version imported before: skipped.")
            )
            report.unchanged += 1
            continue
        if uri in newest:
            earlier = newest[uri]
            if not ninjs_map.is_newer(version, earlier["external_version"]):
                report.warnings.append(
                    Problem(*where, "version", "a newer version comes first in this run: skipped.")
                )
                continue
            fixture["articles"].remove(earlier)
        newest[uri] = mapped.article
        for kind, records in (
            ("agencies", mapped.agencies),
            ("photos", mapped.photos),
            ("authors", mapped.authors),
            ("articles", [mapped.article]),
        ):
            for record in records:
                key = record.get("slug") or record.get("id")
                labels[(kind, key)] = where
                fixture[kind].append(record)
        files += mapped.files
    if problems:
        return _failed(report, problems)
    if not fixture["articles"]:
        return report
    with tempfile.TemporaryDirectory(prefix="newsroom-ninjs-") as folder:
        for found, name in files:
            shutil.copyfile(found, Path(folder) / name)
        fixture_path = Path(folder) / "items.json"
        fixture_path.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
        imported = import_fixture(fixture_path, **options)
    return _in_ninjs_terms(imported, report, fixture, labels)


def _known(section, datas):
    """What the items' records refer to in the database: a query per kind."""
    uris = [data["uri"] for data in datas if isinstance(data.get("uri"), str)]
    known = ninjs_map.Known(section=section)
    for uri, slug, version in Article.objects.filter(external_id__in=uris).values_list(
        "external_id", "slug", "external_version"
    ):
        known.slugs_by_uri[uri] = slug
        known.versions_by_uri[uri] = version
    headlines = [slugify(ninjs_map._headline(data))[:80].strip("-") for data in datas]
    known.taken_slugs = set(
        Article.objects.filter(slug__in=headlines).values_list("slug", flat=True)
    )
    names = {
        name.lower()
        for data in datas
        for name in [
            *ninjs_map.byline_names(str(data.get("by") or "")),
            *[
                str(entry.get("name"))
                for kind in ("authors", "people", "organisations")
                for entry in data.get(kind) or []
                if isinstance(entry, dict)
            ],
        ]
    }
    known.authors_by_name = dict(
        Author.objects.annotate(lower=Lower("name"))
        .filter(lower__in=names)
        .values_list("lower", "slug")
    )
    candidates = {slugify(name)[:70].strip("-") for name in names} - {""}
    for model in (Author, Agency):
        known.taken_contributor_slugs |= set(
            model.objects.filter(slug__in=candidates).values_list("slug", flat=True)
        )
    for field in ("name", "short_name"):
        known.agencies_by_name.update(
            Agency.objects.annotate(lower=Lower(field))
            .filter(lower__in=names)
            .values_list("lower", "slug")
        )
    return known


def _in_ninjs_terms(imported, report, fixture, labels):
    """The fixture import's report, its records named as the ninjs items they came from."""
    by_label = {}
    for kind, records in fixture.items():
        for number, record in enumerate(records, 1):
            key = record.get("slug") or record.get("id")
            if (kind, key) in labels:
                by_label[f"record {kind}[{number}] ({key})"] = labels[(kind, key)]

    def renamed(problem):
        file, label = by_label.get(problem.record, (report.file, problem.record))
        return Problem(file, label, problem.field, problem.message)

    report.problems += [renamed(p) for p in imported.problems]
    report.warnings += [renamed(w) for w in imported.warnings]
    for name in ("created", "updated", "failed", "articles"):
        setattr(report, name, getattr(imported, name))
    report.unchanged += imported.unchanged
    return report


def _failed(report, problems):
    report.problems += problems
    report.failed = len({(p.file, p.record) for p in problems}) or 1
    return report
