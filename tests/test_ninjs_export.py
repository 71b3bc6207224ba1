"""Our stories out as IPTC ninjs 3.1 and 2.2: valid against IPTC's schemas, read back by us."""

import io
import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from articles.importing import import_file, ninjs_read
from articles.models import Article, Byline
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.NEWSROOM_SITE_URL = "https://news.example"


@pytest.fixture
def stories():
    world = factories.SectionFactory(slug="world", name="World")
    photo = factories.PhotoFactory(
        caption="Rutte at the lectern.",
        creator="Evgeniy Maloletka",
        credit_line="AP Photo/Evgeniy Maloletka",
        copyright_notice="Copyright 2024 The AP",
        license_url="https://creativecommons.org/licenses/by/4.0/",
        source=factories.AgencyFactory(name="The Associated Press", short_name="AP", slug="ap"),
    )
    lead = factories.ArticleFactory(
        headline="NATO says Ukraine will join",
        slug="nato",
        standfirst="The alliance's chief spoke in Kyiv.",
        body="<p>First paragraph.</p><p>Second &amp; last.</p>",
        section=world,
        lead_photo=photo,
        tags=["NATO", "Ukraine"],
        embargoed_until=timezone.now() + timedelta(hours=3),
    )
    Byline.objects.create(
        article=lead, author=factories.AuthorFactory(name="Angela Skujins"), position=0
    )
    Byline.objects.create(
        article=lead, agency=photo.source, position=1, role=Byline.Role.CONTRIBUTOR
    )
    factories.ArticleFactory(headline="A draft", slug="draft", draft=True, section=world)
    factories.ArticleFactory(headline="Taken down", slug="down", status="unpublished")
    return lead


def export(tmp_path, *options, name="out.json", fmt="ninjs-3"):
    path = tmp_path / name
    call_command("export_articles", str(path), "--format", fmt, *options, stderr=io.StringIO())
    return path, json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("fmt", "version"), [("ninjs-3", "3.1"), ("ninjs-2", "2.2")])
def test_every_document_is_valid_against_the_iptc_schema(tmp_path, stories, fmt, version):
    _, documents = export(tmp_path, fmt=fmt)

    assert len(documents) == 3
    validator = ninjs_read._validator(version)
    for document in documents:
        assert list(validator.iter_errors(document)) == []
    lead = next(d for d in documents if d["uri"].endswith("/articles/nato/"))
    assert lead["uri"] == "https://news.example/articles/nato/"
    assert lead["by"] == "By Angela Skujins with AP"
    assert [s["name"] for s in lead["subjects"]] == ["NATO", "Ukraine"]
    picture = lead["associations"][0]
    assert picture["type"] == "picture" and picture["by"] == "Evgeniy Maloletka"
    rights = picture["rightsInfo" if version == "3.1" else "rightsinfo"]
    assert rights == {
        ("linkedRights" if version == "3.1" else "linkedrights"): (
            "https://creativecommons.org/licenses/by/4.0/"
        )
    }
    assert lead["embargoedUntil"] if version == "3.1" else lead["embargoed"]
    statuses = sorted(d["pubStatus" if version == "3.1" else "pubstatus"] for d in documents)
    assert statuses == ["canceled", "usable", "withheld"]


def test_what_is_exported_imports_back(tmp_path, stories, settings):
    path, documents = export(tmp_path, "--section", "world", "--status", "published")
    [document] = documents
    # The photo's file travels beside the document, as an agency would deliver it.
    image = Path(stories.lead_photo.image.path)
    shutil.copyfile(image, tmp_path / image.name)
    Article.objects.all().delete()

    report = import_file(path, section="world")

    assert report.ok, [str(p) for p in report.problems]
    article = Article.objects.get()
    assert article.external_id == document["uri"]
    assert (article.headline, article.standfirst) == (stories.headline, stories.standfirst)
    assert article.body == stories.body
    assert sorted(t.name for t in article.tags.all()) == ["NATO", "Ukraine"]
    names = [(b.author or b.agency).name for b in article.bylines.all()]
    assert names == ["Angela Skujins", "The Associated Press"]
    assert article.embargoed_until == stories.embargoed_until
    photo = article.lead_photo
    assert (photo.caption, photo.creator) == ("Rutte at the lectern.", "Evgeniy Maloletka")
    assert photo.license_url == "https://creativecommons.org/licenses/by/4.0/"


def test_the_selection_options(tmp_path, stories):
    assert [d["uri"] for d in export(tmp_path, "--published")[1]] == []  # Embargoed: hidden.
    later = (timezone.now() + timedelta(days=1)).isoformat()
    assert export(tmp_path, "--since", later)[1] == []
    assert len(export(tmp_path, "--status", "draft", "--status", "unpublished")[1]) == 2
    with pytest.raises(CommandError, match="UTC offset"):
        export(tmp_path, "--since", "yesterday")


def test_without_a_site_address_it_says_so_and_writes_nothing(tmp_path, stories, settings):
    settings.NEWSROOM_SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL"):
        export(tmp_path)
    assert not (tmp_path / "out.json").exists()
    assert not (tmp_path / "out.json.partial").exists()


def test_a_file_that_cannot_be_written_is_a_clear_error(tmp_path, stories):
    with pytest.raises(CommandError, match="cannot be written"):
        call_command("export_articles", str(tmp_path / "missing" / "out.json"))
