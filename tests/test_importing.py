import json
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from articles.importing import import_file
from articles.models import Agency, Article, Author, Byline, Photo, RelatedLink, Section
from tests import factories

pytestmark = pytest.mark.django_db


def fixture_data():
    """A small valid fixture: one of each kind, an article with two bylines and two links."""
    return {
        "sections": [{"slug": "world", "name": "World", "order": 1}],
        "agencies": [{"slug": "ap", "name": "The Associated Press", "short_name": "AP"}],
        "photos": [
            {
                "id": "photo-1",
                "image": "images/photo.jpg",
                "alt_text": "A lectern",
                "caption": "Default caption.",
                "creator": "Jane Doe",
                "credit_line": "Jane Doe/AP",
                "copyright_notice": "Copyright 2024 AP",
                "source": "ap",
                "taken_at": "2024-10-03T10:00:00+03:00",
                "focal_point": {"x": 0.25, "y": 0.5},
            }
        ],
        "authors": [
            {"slug": "jo", "name": "Jo Writer", "job_title": "Reporter", "portrait": "photo-1"}
        ],
        "articles": [
            {
                "slug": "main-story",
                "headline": "Main story",
                "standfirst": "Summary.",
                "body": "<p>One.</p><h2>Sub</h2><p>Two.</p>",
                "section": "world",
                "tags": ["NATO", "Ukraine"],
                "status": "published",
                "publish_at": "2024-10-17T12:00:00+00:00",
                "lead_photo": "photo-1",
                "lead_photo_caption": "Article caption.",
                "bylines": [
                    {"author": "jo", "role": "author"},
                    {"agency": "ap", "role": "contributor"},
                ],
                "related_links": [
                    {"article": "other-story"},
                    {"url": "https://example.org/report", "title": "A report"},
                ],
            },
            {
                "slug": "other-story",
                "headline": "Other story",
                "section": "world",
                "status": "published",
                "publish_at": "2024-10-16T12:00:00+00:00",
            },
        ],
    }


@pytest.fixture
def write_fixture(tmp_path):
    """Write fixture data (and a valid image beside it) and return the file's path."""
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "photo.jpg").write_bytes(factories.image_bytes(size=(300, 200)))

    def write(data, name="fixture.json"):
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return path

    return write


def database_state():
    """Everything the importer may write, to prove a failed import wrote nothing."""
    return {
        model.__name__: sorted(map(str, model.objects.values_list()))
        for model in (Section, Agency, Photo, Author, Article, Byline, RelatedLink)
    }


def test_import_creates_every_record(write_fixture):
    report = import_file(write_fixture(fixture_data()))

    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged, report.failed) == (6, 0, 0, 0)
    article = Article.objects.for_detail().get(slug="main-story")
    assert article.is_published
    assert article.publish_at == datetime(2024, 10, 17, 12, tzinfo=UTC)
    assert article.body == "<p>One.</p>\n<h2>Sub</h2>\n<p>Two.</p>"
    assert [(b.name, b.role) for b in article.bylines.all()] == [
        ("Jo Writer", "author"),
        ("AP", "contributor"),
    ]
    assert [(link.display_title, link.href) for link in article.related_links.all()] == [
        ("Other story", "/articles/other-story/"),
        ("A report", "https://example.org/report"),
    ]
    assert sorted(tag.name for tag in article.tags.all()) == ["NATO", "Ukraine"]
    photo = article.lead_photo
    assert (photo.width, photo.height, photo.external_id) == (300, 200, "photo-1")
    assert (photo.creator, photo.credit_line, photo.source.short_name) == (
        "Jane Doe",
        "Jane Doe/AP",
        "AP",
    )
    assert (photo.focal_point_x, photo.focal_point_y) == (0.25, 0.5)
    assert article.lead_caption == "Article caption."
    assert Author.objects.get(slug="jo").portrait == photo


def test_import_twice_changes_nothing(write_fixture, media_root):
    path = write_fixture(fixture_data())
    import_file(path)
    before = database_state()

    report = import_file(path)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert database_state() == before
    assert [p.relative_to(media_root).as_posix() for p in media_root.rglob("*.jpg")] == [
        Photo.objects.get().image.name
    ]


IMPORT_BATCH_QUERIES = 25


@pytest.mark.parametrize("count", [1, 3])
def test_validation_queries_do_not_grow_with_records(
    write_fixture, django_assert_num_queries, count
):
    import_file(write_fixture(fixture_data()))
    data = fixture_data()
    for number in range(count):
        article = dict(data["articles"][0], slug=f"copy-{number}")
        article["related_links"] = [{"article": "other-story"}, {"article": "main-story"}]
        data["articles"].append(article)
    path = write_fixture(data)

    # The whole import of one batch, written and rolled back: a fixed number of queries
    # (look-ups per kind, the stored rows, the writes, savepoints), whatever the number of records.
    with django_assert_num_queries(IMPORT_BATCH_QUERIES):
        report = import_file(path, dry_run=True)

    assert not report.problems
    assert report.created == count


def test_import_updates_changed_records_on_their_key(write_fixture):
    import_file(write_fixture(fixture_data()))
    data = fixture_data()
    data["articles"][0]["headline"] = "Main story, updated"
    data["articles"][0]["bylines"].reverse()
    data["articles"][0]["tags"] = ["NATO"]

    report = import_file(write_fixture(data))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    article = Article.objects.get(slug="main-story")
    assert article.headline == "Main story, updated"
    assert [b.name for b in article.bylines.order_by("position")] == ["AP", "Jo Writer"]
    assert [tag.name for tag in article.tags.all()] == ["NATO"]
    assert Article.objects.count() == 2


def test_import_replaces_a_changed_image(
    write_fixture, tmp_path, django_capture_on_commit_callbacks
):
    import_file(write_fixture(fixture_data()))
    old = Photo.objects.get()
    (tmp_path / "images" / "photo.jpg").write_bytes(factories.image_bytes(size=(400, 100)))

    with django_capture_on_commit_callbacks(execute=True):
        report = import_file(write_fixture(fixture_data()))

    photo = Photo.objects.get()
    assert report.updated == 1
    assert (photo.width, photo.height) == (400, 100)
    assert photo.content_hash != old.content_hash
    assert not old.image.storage.exists(old.image.name)


def test_dry_run_reports_but_writes_nothing(write_fixture, media_root):
    report = import_file(write_fixture(fixture_data()), dry_run=True)

    assert report.ok
    assert report.created == 6
    assert Article.objects.count() == 0
    assert not list(media_root.rglob("*.jpg"))


def broken(change):
    data = fixture_data()
    change(data)
    return data


BAD_FIXTURES = {
    "missing required field": (
        broken(lambda d: d["articles"][0].pop("headline")),
        ["record articles[1] (main-story): headline: This field is required."],
    ),
    "blank headline": (
        broken(lambda d: d["articles"][0].update(headline="  ")),
        ["record articles[1] (main-story): headline: This field cannot be blank."],
    ),
    "bad date": (
        broken(lambda d: d["articles"][0].update(publish_at="17/10/2024")),
        ["record articles[1] (main-story): publish_at: “17/10/2024” is not a date and time"],
    ),
    "date without offset": (
        broken(lambda d: d["articles"][0].update(publish_at="2024-10-17T12:00:00")),
        ["record articles[1] (main-story): publish_at: “2024-10-17T12:00:00” is not a date"],
    ),
    "unknown section": (
        broken(lambda d: d["articles"][0].update(section="nowhere")),
        ["record articles[1] (main-story): section: unknown section “nowhere”."],
    ),
    "unknown author in byline": (
        broken(lambda d: d["articles"][0]["bylines"][0].update(author="ghost")),
        ["record articles[1] (main-story): bylines[1].author: unknown author “ghost”."],
    ),
    "unknown related article": (
        broken(lambda d: d["articles"][0]["related_links"][0].update(article="gone")),
        ["record articles[1] (main-story): related_links[1].article: unknown article “gone”."],
    ),
    "unknown photo": (
        broken(lambda d: d["articles"][0].update(lead_photo="nope")),
        ["record articles[1] (main-story): lead_photo: unknown photo “nope”."],
    ),
    "duplicate slug": (
        broken(lambda d: d["articles"][1].update(slug="main-story")),
        ["record articles[2] (main-story): slug: “main-story” appears twice in this file."],
    ),
    "date out of range": (
        broken(lambda d: d["articles"][0].update(publish_at="0001-01-01T00:00:00+05:00")),
        ["record articles[1] (main-story): publish_at: “0001-01-01T00:00:00+05:00” is not a date"],
    ),
    "image name with a null byte": (
        broken(lambda d: d["photos"][0].update(image="images/a\u0000.jpg")),
        [r"record photos[1] (photo-1): image: cannot use 'images/a\x00.jpg' as a file name"],
    ),
    "image name too long": (
        broken(lambda d: d["photos"][0].update(image="images/" + "a" * 300 + ".jpg")),
        ["record photos[1] (photo-1): image: cannot use"],
    ),
    "missing image": (
        broken(lambda d: d["photos"][0].update(image="images/missing.jpg")),
        ["record photos[1] (photo-1): image: no file at images/missing.jpg."],
    ),
    "image outside the fixture folder": (
        broken(lambda d: d["photos"][0].update(image="../../etc/passwd")),
        ["record photos[1] (photo-1): image: must be a path inside the fixture file's folder."],
    ),
    "unknown field": (
        broken(lambda d: d["articles"][0].update(headlin="typo")),
        ["record articles[1] (main-story): headlin: unknown field"],
    ),
    "wrong type": (
        broken(lambda d: d["articles"][0].update(tags="NATO")),
        ['record articles[1] (main-story): tags: expected array, got "NATO".'],
    ),
    "bad slug": (
        broken(lambda d: d["sections"][0].update(slug="no spaces")),
        ["record sections[1] (no spaces): slug: “no spaces” is not a slug"],
    ),
    "byline with author and agency": (
        broken(lambda d: d["articles"][0]["bylines"][0].update(agency="ap")),
        ["record articles[1] (main-story): bylines[1]: Choose an author or an agency, not both."],
    ),
    "same author twice": (
        broken(lambda d: d["articles"][0]["bylines"].append({"author": "jo"})),
        [
            "record articles[1] (main-story): bylines[3]: "
            "This author is already in the byline. (Jo Writer)"
        ],
    ),
    "external link without title": (
        broken(lambda d: d["articles"][0]["related_links"][1].update(title="")),
        [
            "record articles[1] (main-story): related_links[2].title: "
            "An external link needs a title."
        ],
    ),
    "external link that is no URL": (
        broken(lambda d: d["articles"][0]["related_links"][1].update(url="javascript:alert(1)")),
        ["record articles[1] (main-story): related_links[2].url: Enter a valid URL."],
    ),
    "external link that is not on the web": (
        broken(lambda d: d["articles"][0]["related_links"][1].update(url="ftp://example.org/f")),
        ["record articles[1] (main-story): related_links[2].url: Enter a valid URL."],
    ),
    "link to itself": (
        broken(lambda d: d["articles"][0]["related_links"][0].update(article="main-story")),
        ["record articles[1] (main-story): related_links[1]: An article cannot link to itself."],
    ),
    "section name used by another slug": (
        broken(lambda d: d["sections"].append({"slug": "news", "name": "World"})),
        ["record sections[2] (news): name: “World” appears twice in this file."],
    ),
    "tag without letters or digits": (
        broken(lambda d: d["articles"][0].update(tags=["!!!"])),
        ["record articles[1] (main-story): tags: “!!!” is not a usable tag"],
    ),
    "published without publish time": (
        broken(lambda d: d["articles"][0].pop("publish_at")),
        ["record articles[1] (main-story): publish_at: A published article needs a publish time."],
    ),
}


@pytest.mark.parametrize("case", BAD_FIXTURES)
def test_bad_record_imports_nothing_and_says_where(write_fixture, media_root, case):
    data, expected = BAD_FIXTURES[case]
    path = write_fixture(data)
    before = database_state()

    report = import_file(path)

    messages = [str(problem) for problem in report.problems]
    assert not report.ok
    for start in expected:
        assert any(message.startswith(f"{path}: {start}") for message in messages), messages
    assert database_state() == before
    assert not list(media_root.rglob("*.jpg"))


def test_name_already_taken_in_the_database_is_refused(write_fixture):
    factories.SectionFactory(slug="international", name="World")

    report = import_file(write_fixture(fixture_data()))

    assert [str(p).split(": ", 1)[1] for p in report.problems] == [
        "record sections[1] (world): name: “World” is already the name of “international”."
    ]


def test_every_problem_in_a_file_is_reported_at_once(write_fixture):
    data = fixture_data()
    data["articles"][0]["section"] = "nowhere"
    data["articles"][1]["publish_at"] = "yesterday"

    report = import_file(write_fixture(data))

    assert len(report.problems) == 2
    assert report.failed == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"articles": [', "invalid JSON: Expecting value (line 1, column 15)"),
        ("[]", "expected an object with lists of records at the top, got a list."),
        ("\udcff", "cannot read the file"),
    ],
)
def test_malformed_file_is_refused(write_fixture, content, message):
    path = write_fixture("") if content == "\udcff" else write_fixture(content)
    if content == "\udcff":
        path.write_bytes(b"\xff\xfe\x00garbage")

    report = import_file(path)

    assert [str(problem) for problem in report.problems][0].startswith(f"{path}: {message}")


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (b"this is a text file named .jpg", "not a readable image"),
        (factories.image_bytes(size=(300, 200))[:200], "not a readable image"),
        (factories.image_bytes(image_format="GIF"), "This is a GIF image"),
    ],
    ids=["text file", "truncated JPEG", "GIF"],
)
def test_broken_image_is_refused(write_fixture, tmp_path, image, message):
    (tmp_path / "images" / "photo.jpg").write_bytes(image)

    report = import_file(write_fixture(fixture_data()))

    assert message in str(report.problems[0])
    assert str(report.problems[0]).startswith(
        f"{tmp_path / 'fixture.json'}: record photos[1] (photo-1): image:"
    )
    assert Photo.objects.count() == 0


def test_image_over_the_pixel_limit_is_refused(write_fixture, tmp_path, settings):
    settings.NEWSROOM_PHOTO_MAX_PIXELS = 300 * 200 - 1

    report = import_file(write_fixture(fixture_data()))

    assert "more than the limit" in str(report.problems[0])


def test_script_in_body_is_removed_with_a_warning(write_fixture):
    data = fixture_data()
    data["articles"][0]["body"] = "<p>Text</p><script>alert('x')</script><p onclick='x()'>More</p>"

    report = import_file(write_fixture(data))

    assert report.ok
    assert Article.objects.get(slug="main-story").body == "<p>Text</p>\n<p>More</p>"
    assert [str(w).split(": ", 1)[1] for w in report.warnings] == [
        "record articles[1] (main-story): body: removed HTML that articles may not hold: <script>"
    ]


def test_references_reach_records_already_in_the_database(write_fixture):
    import_file(write_fixture(fixture_data()))
    data = {
        "articles": [
            {
                "slug": "follow-up",
                "headline": "Follow-up",
                "section": "world",
                "lead_photo": "photo-1",
                "bylines": [{"author": "jo"}],
                "related_links": [{"article": "main-story"}],
            }
        ]
    }

    report = import_file(write_fixture(data, name="second.json"))

    assert report.ok, report.problems
    article = Article.objects.get(slug="follow-up")
    assert article.status == Article.Status.DRAFT
    assert article.related_links.get().target.slug == "main-story"


def test_failure_while_writing_leaves_no_files_or_rows(write_fixture, media_root, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("articles.services.articles_save", fail)

    with pytest.raises(RuntimeError):
        import_file(write_fixture(fixture_data()))

    assert Article.objects.count() == Photo.objects.count() == 0
    assert not list(media_root.rglob("*.jpg"))


def test_command_prints_summary_and_fails_on_bad_file(write_fixture, capsys):
    good = write_fixture(fixture_data(), name="good.json")
    bad = write_fixture(broken(lambda d: d["articles"][0].pop("section")), name="bad.json")

    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command("import_articles", str(good), str(bad))

    out, err = capsys.readouterr()
    assert f"{good}: created 6, updated 0, unchanged 0, failed 0" in out
    assert (
        f"{bad}: nothing imported from this file: created 0, updated 0, unchanged 0, failed 1"
        in out
    )
    assert f"{bad}: record articles[1] (main-story): section: This field is required." in err
    assert "total: created 6, updated 0, unchanged 0, failed 1" in out


def test_command_dry_run_says_nothing_was_written(write_fixture, capsys):
    call_command("import_articles", "--dry-run", str(write_fixture(fixture_data())))

    assert "dry run, nothing written: created 6" in capsys.readouterr().out
    assert Article.objects.count() == 0


def test_the_same_image_twice_in_a_file_is_one_photo_and_said_so(write_fixture, tmp_path):
    data = fixture_data()
    (tmp_path / "images" / "copy.jpg").write_bytes((tmp_path / "images" / "photo.jpg").read_bytes())
    data["photos"].append(dict(data["photos"][0], id="photo-2", image="images/copy.jpg"))
    data["articles"][1]["lead_photo"] = "photo-2"

    report = import_file(write_fixture(data))

    assert report.ok, report.problems
    assert Photo.objects.count() == 1
    assert Article.objects.get(slug="other-story").lead_photo == Photo.objects.get()
    assert [str(w) for w in report.warnings if w.field == "image"] == [
        f"{tmp_path / 'fixture.json'}: record photos[2] (photo-2): image: the same image as "
        "photo “photo-1” earlier in this file: that photo is used, and this record's text is not."
    ]


def test_an_image_already_in_the_library_is_reused_and_said_so(write_fixture, tmp_path):
    path = write_fixture(fixture_data())
    image = SimpleUploadedFile("mine.jpg", (tmp_path / "images" / "photo.jpg").read_bytes())
    existing = factories.PhotoFactory(image=image, caption="In the library")

    report = import_file(path)

    assert report.ok, report.problems
    assert Photo.objects.get() == existing
    assert Article.objects.get(slug="main-story").lead_photo == existing
    warning = next(str(w) for w in report.warnings if w.field == "image")
    assert f"the same image as photo {existing.pk} “In the library” already in the library" in (
        warning
    )


def test_all_or_nothing_keeps_no_file_when_one_fails(write_fixture, capsys):
    good = write_fixture(fixture_data(), name="good.json")
    bad = write_fixture(broken(lambda d: d["articles"][0].pop("section")), name="bad.json")

    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command("import_articles", "--all-or-nothing", str(good), str(bad))

    assert Article.objects.count() == Section.objects.count() == 0
    assert "--all-or-nothing: no file was imported." in capsys.readouterr().out


def test_import_prints_its_rate_and_no_progress_bar_off_a_terminal(write_fixture, capsys):
    call_command("import_articles", str(write_fixture(fixture_data())))

    out, err = capsys.readouterr()
    assert out.splitlines()[-1].startswith("2 articles read in ")
    assert out.splitlines()[-1].endswith(" articles/s)")
    assert "\r" not in out + err  # no progress bar when the output is not a terminal


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "expected an object with lists of records at the top"),
        ('{"articles": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested deeper than 32 levels"),
        ("null", "expected an object with lists of records at the top, got null."),
        ('{"articles": null}', "articles: expected a list of records."),
        ('{"articles": [null]}', "record articles[1] (?): expected object, got null."),
        (
            '{"photos": [{"id": "p", "image": "i.jpg", "alt_text": "a", '
            '"focal_point": {"x": NaN, "y": 0}}]}',
            "invalid JSON",
        ),
        ('{"articles": [{"slug": "a", "headline": Infinity}]}', "invalid JSON"),
        (
            '{"articles": [{"slug": "a", "headline": "h", "section": "s", "body": "'
            + "x" * 1_000_001
            + '"}]}',
            "unknown section",
        ),
    ],
)
def test_malformed_input_is_refused_with_a_message_never_a_traceback(
    write_fixture, content, message
):
    report = import_file(write_fixture(content))

    assert not report.ok
    assert any(message in str(problem) for problem in report.problems), report.problems
    assert database_state() == database_state_empty()


def database_state_empty():
    return {name: [] for name in database_state()}


def test_a_body_longer_than_any_newsroom_needs_is_refused_with_its_limit(write_fixture):
    data = fixture_data()
    data["articles"][0]["body"] = "<p>" + "x" * 1_000_001 + "</p>"

    report = import_file(write_fixture(data))

    assert [(p.record, p.field) for p in report.problems] == [
        ("record articles[1] (main-story)", "body")
    ]
    assert "at most 1000000 characters" in report.problems[0].message
