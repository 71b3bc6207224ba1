"""The fixture export: selections, corrections on the way back, and faults that lose nothing."""

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import exporting
from articles.importing import import_file
from articles.models import Article, Byline, Correction, RelatedLink
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(settings):
    settings.NEWSROOM_SITE_URL = "https://news.example"
    world = factories.SectionFactory(slug="world", name="World")
    sport = factories.SectionFactory(slug="sport", name="Sport")
    ap = factories.AgencyFactory(slug="ap", name="The Associated Press", short_name="AP")
    photo = factories.PhotoFactory(source=ap, make_renditions=False)
    lead = factories.ArticleFactory(slug="lead", section=world, lead_photo=photo)
    Byline.objects.create(article=lead, agency=ap, position=0)
    public = factories.ArticleFactory(slug="public", section=sport)
    draft = factories.ArticleFactory(slug="draft", section=sport, draft=True)
    for position, target in enumerate([public, draft]):
        RelatedLink.objects.create(article=lead, target=target, position=position)
    factories.AuthorFactory(slug="unused")
    return lead


def export(path, *options):
    stderr = io.StringIO()
    call_command("export_articles", str(path), *options, stderr=stderr)
    return json.loads(path.read_text(encoding="utf-8")), stderr.getvalue()


def test_a_selection_takes_what_its_stories_name_and_no_more(tmp_path, library):
    data, said = export(tmp_path / "out.json", "--section", "world")

    assert [a["slug"] for a in data["articles"]] == ["lead"]
    assert [s["slug"] for s in data["sections"]] == ["world"]
    assert [a["slug"] for a in data["agencies"]] == ["ap"]
    assert data["authors"] == []
    assert [p["source"] for p in data["photos"]] == ["ap"]
    # The public story left out is linked by its address; the draft's is never given away.
    public = Article.objects.get(slug="public")
    assert data["articles"][0]["related_links"] == [
        {"url": "https://news.example/articles/public/", "title": public.headline}
    ]
    assert "“draft” is left out" in said
    assert "/articles/draft/" not in (tmp_path / "out.json").read_text()


def test_a_selection_imports_into_an_empty_database(tmp_path, library):
    export(tmp_path / "out.json", "--section", "world")
    Article.objects.all().delete()

    report = import_file(tmp_path / "out.json")

    assert report.ok, [str(p) for p in report.problems]
    article = Article.objects.get()
    assert article.lead_photo.content_hash == library.lead_photo.content_hash
    assert [link.url for link in article.related_links.all()] == [
        "https://news.example/articles/public/"
    ]


def test_a_whole_export_takes_everything_used_or_not(tmp_path, library):
    data, _ = export(tmp_path / "out.json")

    assert [a["slug"] for a in data["authors"]] == ["unused"]
    assert [a["slug"] for a in data["articles"]] == ["draft", "lead", "public"]
    assert [link.get("article") for link in data["articles"][1]["related_links"]] == [
        "public",
        "draft",
    ]


def test_standard_output_is_refused_for_a_fixture(library):
    with pytest.raises(CommandError, match="photo files go in the same folder"):
        call_command("export_articles", "-")


def test_a_failed_export_leaves_no_file_behind(tmp_path, library, monkeypatch):
    (tmp_path / "export").mkdir()

    def broken(article, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exporting, "article_record", broken)

    with pytest.raises(CommandError, match="No space left on device"):
        export(tmp_path / "export" / "out.json")
    assert list((tmp_path / "export").rglob("*")) == []


def test_an_export_beside_an_earlier_one_keeps_the_same_photo_files(tmp_path, library):
    export(tmp_path / "one.json")
    [photo_file] = (tmp_path / "photos").iterdir()
    before = photo_file.stat().st_mtime_ns

    export(tmp_path / "two.json")

    assert [p.name for p in (tmp_path / "photos").iterdir()] == [photo_file.name]
    assert photo_file.stat().st_mtime_ns == before


# Corrections in a fixture file.


def fixture(tmp_path, corrections):
    data = {
        "sections": [{"slug": "world", "name": "World"}],
        "articles": [
            {"slug": "story", "headline": "A story", "section": "world"}
            | ({"corrections": corrections} if corrections is not None else {})
        ],
    }
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


WHEN = "2024-10-18T09:30:00.250000+00:00"


def test_corrections_are_added_with_their_own_time_and_never_twice(tmp_path):
    first = {"text": "The summit was in July.", "published_at": WHEN}
    assert import_file(fixture(tmp_path, [first])).ok
    later = {
        "text": "  The minister's name was misspelt.\n",
        "published_at": "2024-10-19T08:00:00+02:00",
    }

    report = import_file(fixture(tmp_path, [first, later, later]))

    assert report.ok and report.updated == 1
    stored = list(Correction.objects.values_list("text", "published_at"))
    assert stored == [
        ("The summit was in July.", datetime(2024, 10, 18, 9, 30, 0, 250_000, tzinfo=UTC)),
        ("The minister's name was misspelt.", datetime(2024, 10, 19, 6, 0, tzinfo=UTC)),
    ]
    # A file without them removes none: corrections are only ever added.
    assert import_file(fixture(tmp_path, None)).ok
    assert Correction.objects.count() == 2
    assert Article.objects.get().last_updated_at is None


@pytest.mark.parametrize(
    ("corrections", "field", "message"),
    [
        (
            [{"text": "Wrong.", "published_at": "yesterday"}],
            "corrections[1].published_at",
            "UTC offset",
        ),
        (
            [{"text": "Wrong.", "published_at": "2024-10-18T09:30:00"}],
            "corrections[1].published_at",
            "UTC offset",
        ),
        ([{"published_at": WHEN}], "corrections[1].text", "required"),
        ([{"text": "   ", "published_at": WHEN}], "corrections[1].text", ""),
        (
            [{"text": "Wrong.", "published_at": WHEN, "by": "me"}],
            "corrections[1].by",
            "unknown field",
        ),
        ([{"text": "x" * 5001, "published_at": WHEN}], "corrections[1].text", ""),
        ("Wrong.", "corrections", ""),
    ],
)
def test_a_bad_correction_is_refused_by_name_and_nothing_is_written(
    tmp_path, corrections, field, message
):
    report = import_file(fixture(tmp_path, corrections))

    assert not report.ok
    [problem] = report.problems
    assert problem.field == field and message in problem.message
    assert not Article.objects.exists() and not Correction.objects.exists()
