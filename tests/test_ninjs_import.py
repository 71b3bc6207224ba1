"""
IPTC ninjs in: IPTC's own documentation and agency examples, Superdesk's output with its
quirks, and IPTC's should-fail test suite, through `import_articles`.
"""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.importing import import_file, ninjs_map
from articles.models import Article, Photo
from tests import factories
from tests.test_sitemaps import CONFORMANCE_DIR

pytestmark = pytest.mark.django_db

NINJS = CONFORMANCE_DIR / "ninjs"


def ninjs_dir(*parts):
    path = NINJS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is missing (set NEWSROOM_CONFORMANCE_DIR)")
    return path


def with_picture_files(source: Path, folder: Path) -> Path:
    """The document copied to `folder` with a small JPEG for every image rendition it names."""
    target = folder / source.name
    shutil.copyfile(source, target)
    for href in _hrefs(json.loads(source.read_text(encoding="utf-8"))):
        name = Path(href.split("?")[0]).name
        if name and Path(name).suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"):
            (folder / name).write_bytes(factories.image_bytes(size=(120, 80)))
    return target


def _hrefs(value):
    if isinstance(value, dict):
        if isinstance(value.get("href"), str):
            yield value["href"]
        for inner in value.values():
            yield from _hrefs(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _hrefs(inner)


def run(path, **options):
    report = import_file(path, **options)
    return report


STORIES = ["001_simple_example", "004_simple_text_article", "005_complex_text_article"]


@pytest.mark.parametrize("version", ["1.6", "2.2", "3.1"])
@pytest.mark.parametrize("name", [*STORIES, "007_multimedia"])
def test_iptc_documentation_stories_import_whole(tmp_path, version, name):
    source = ninjs_dir("documentation-examples", version, f"{name}.json")

    report = run(with_picture_files(source, tmp_path))

    assert report.ok, [str(p) for p in report.problems]
    article = Article.objects.get()
    document = json.loads(source.read_text(encoding="utf-8"))
    assert article.headline and article.headline in json.dumps(document, ensure_ascii=False)
    assert article.body.startswith("<p>")
    assert [str(b) for b in article.bylines.all()], "the byline is kept"
    assert article.external_id == document["uri"]
    assert article.is_published
    if name == "007_multimedia":
        photo = article.lead_photo
        assert photo.caption and photo.creator
        assert photo.copyright_notice


@pytest.mark.parametrize("version", ["1.6", "2.2", "3.1"])
def test_items_that_are_not_stories_are_left_with_a_warning(tmp_path, version):
    source = ninjs_dir("documentation-examples", version, "006_photo_only.json")

    report = run(with_picture_files(source, tmp_path))

    assert report.ok and not Article.objects.exists()
    assert any("picture item, not a story" in str(w) for w in report.warnings)


AGENCY_FILES = sorted(
    str(path.relative_to(NINJS / "examples"))
    for path in (NINJS / "examples").rglob("*.json")
    if "schema" not in path.name and "collection" not in str(path)
)


@pytest.mark.parametrize("name", AGENCY_FILES or ["(no examples)"])
def test_agency_examples_import_their_stories(tmp_path, name):
    source = ninjs_dir("examples", name)
    document = json.loads(source.read_text(encoding="utf-8"))

    report = run(with_picture_files(source, tmp_path))

    if "extension-example" in name:
        # A provider's own field ("foofoo") is no ninjs field: refused, and named.
        assert not report.ok and "foofoo" in str(report.problems[0])
        return
    assert report.ok, [str(p) for p in report.problems]
    kind = document.get("type")
    if kind not in (None, "text", "composite") or not Article.objects.exists():
        assert any(w.field == "type" for w in report.warnings)
        return
    article = Article.objects.get()
    assert article.headline
    if document.get("by") or document.get("byline"):
        assert article.bylines.exists()


SUPERDESK = ["ninjs2.json", "ninjs3.json", "ninjs_embargoed.json"]


@pytest.mark.parametrize("name", SUPERDESK)
def test_superdesk_output_imports_with_its_quirks_reported_once(tmp_path, name):
    source = ninjs_dir("real-world", "superdesk", name)

    report = run(with_picture_files(source, tmp_path))

    assert report.ok, [str(p) for p in report.problems]
    notes = [w.message for w in report.warnings if not w.record]
    assert "guid: taken as the item's uri" in notes
    assert all(": ignored" in n or "guid" in n for n in notes)
    assert len(notes) == len(set(notes))
    if name == "ninjs_embargoed.json":
        article = Article.objects.get()
        assert article.embargoed_until is not None
        assert article.bylines.count() >= 1


def test_the_embargoed_superdesk_story_is_hidden_until_its_time(tmp_path, client):
    source = ninjs_dir("real-world", "superdesk", "ninjs_embargoed.json")
    document = json.loads(source.read_text(encoding="utf-8"))
    document["embargoed"] = "2099-01-01T00:00:00+00:00"
    path = tmp_path / "embargoed.json"
    path.write_text(json.dumps(document))
    for href in _hrefs(document):
        name = Path(href).name
        if name.endswith((".jpg", ".jpeg", ".png")):
            (tmp_path / name).write_bytes(factories.image_bytes())

    report = run(path)

    assert report.ok, [str(p) for p in report.problems]
    article = Article.objects.get()
    assert article.is_embargoed and not Article.objects.published().exists()
    assert client.get(article.get_absolute_url()).status_code == 404


SHOULD_FAIL = sorted(
    str(path.relative_to(NINJS / "test_suite"))
    for path in (NINJS / "test_suite").glob("*/should_fail/*.json")
)


@pytest.mark.parametrize("name", SHOULD_FAIL or ["(no test suite)"])
def test_iptc_should_fail_documents_are_refused_with_what_is_wrong(tmp_path, name):
    source = ninjs_dir("test_suite", name)
    version = name.split("/")[0]
    path = tmp_path / source.name
    shutil.copyfile(source, path)

    report = run(path, ninjs_schema=version)

    assert not report.ok
    assert not Article.objects.exists()
    problem = report.problems[0]
    assert problem.file == str(path)
    assert problem.message
    # Either the document is no JSON (the file is named), or the item and field are.
    assert "not JSON" in problem.message or problem.record.startswith("item 1")


def test_a_newer_version_updates_the_story_and_an_older_one_is_skipped(tmp_path, committed):
    document = {
        "uri": "urn:example:story-1",
        "type": "text",
        "version": "1",
        "versioncreated": "2025-05-01T10:00:00+00:00",
        "headlines": [{"role": "main", "value": "First headline"}],
        "bodies": [{"role": "main", "contenttype": "text/plain", "value": "One.\nTwo."}],
        "by": "Ana Writer and NTB",
    }
    path = tmp_path / "story.json"
    path.write_text(json.dumps(document))
    with committed():
        assert run(path).ok
    article = Article.objects.get()
    assert article.body == "<p>One.</p>\n<p>Two.</p>"
    assert [str(b) for b in article.bylines.all()] == ["Ana Writer", "NTB"]

    newer = {**document, "version": "2", "versioncreated": "2025-05-01T11:00:00+00:00"}
    newer["headlines"] = [{"role": "main", "value": "Second headline"}]
    path.write_text(json.dumps(newer))
    with committed():
        assert run(path).ok
    article.refresh_from_db()
    assert article.headline == "Second headline"
    assert article.slug == "first-headline"  # Its address stays.
    assert article.revisions.count() == 2

    path.write_text(json.dumps(document))
    report = run(path)
    assert report.ok and report.unchanged == 1
    assert any("not newer" in w.message for w in report.warnings)
    article.refresh_from_db()
    assert article.headline == "Second headline"


def test_a_picture_file_that_is_not_there_is_a_problem_not_a_crash(tmp_path):
    document = {
        "uri": "urn:example:story-2",
        "type": "composite",
        "headlines": [{"value": "With a photo"}],
        "firstcreated": "2025-05-01T10:00:00+00:00",
        "associations": [
            {
                "name": "mainpic",
                "uri": "urn:example:photo",
                "type": "picture",
                "renditions": [{"name": "main", "href": "https://cdn.example/p/big.jpg"}],
            },
            {
                "name": "escape",
                "uri": "urn:example:photo-2",
                "type": "picture",
                "renditions": [{"name": "main", "href": "../../../etc/hosts.jpg"}],
            },
        ],
    }
    path = tmp_path / "story.json"
    path.write_text(json.dumps(document))

    report = run(path)

    assert not report.ok and not Article.objects.exists() and not Photo.objects.exists()
    assert "big.jpg" in report.problems[0].message
    assert report.problems[0].field == "associations[1]"


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"\xff\xfe", b"[1, 2]", b'"text"', json.dumps([{"uri": 5}]).encode()],
)
def test_broken_input_is_refused_with_a_clear_message(tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_bytes(content)

    report = run(path)

    assert not report.ok and not Article.objects.exists()


def test_a_folder_imports_each_file_on_its_own(tmp_path):
    good = {
        "uri": "urn:a",
        "headlines": [{"value": "Good"}],
        "firstcreated": "2025-05-01T10:00:00Z",
    }
    (tmp_path / "a.json").write_text(json.dumps(good))
    (tmp_path / "b.json").write_text(json.dumps({"uri": "urn:b", "random": 1}))
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 2"):
        call_command("import_articles", str(tmp_path), stdout=out, stderr=io.StringIO())

    assert list(Article.objects.values_list("headline", flat=True)) == ["Good"]


def test_stories_go_to_the_section_asked_for(tmp_path):
    factories.SectionFactory(slug="world", name="World")
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"uri": "urn:a", "headlines": [{"value": "Filed"}]}))

    assert run(path, section="world").ok
    assert Article.objects.get().section.slug == "world"
    assert not run(path, section="nowhere").ok


@pytest.mark.parametrize(
    ("by", "names"),
    [
        ("By Henning Gloystein", ["Henning Gloystein"]),
        ("Von Christian Hollmann, dpa", ["Christian Hollmann", "dpa"]),
        ("Karl Melander/TT", ["Karl Melander", "TT"]),
        ("By Angela Skujins with AP", ["Angela Skujins", "AP"]),
        ("By Karl E Anderson", ["Karl E Anderson"]),
        ("Paulo Santalucia and Frances d'Emilio", ["Paulo Santalucia", "Frances d'Emilio"]),
        ("", []),
    ],
)
def test_printed_bylines_are_read_as_names(by, names):
    assert ninjs_map.byline_names(by) == names
