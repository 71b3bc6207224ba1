"""
The importer on generated hostile input: whatever the file holds, no traceback, and either a
clean import or nothing written. 200 examples in the suite; run longer locally with
FUZZ_EXAMPLES=5000 pytest tests/test_import_fuzz.py tests/test_text.py.
"""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.importing import import_file
from articles.importing.report import Report
from articles.models import Agency, Article, Author, Byline, Photo, RelatedLink, Section
from tests import factories

pytestmark = pytest.mark.django_db
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))

# Text of every kind: controls, combining marks, lone surrogates (category Cs), long runs.
TEXT = st.text(st.characters(codec=None), max_size=12) | st.sampled_from(
    ["", " ", "world", "a" * 201, "\x00", "\ud800", "<script>x</script>", "2024-10-17T12:00:00Z"]
)
SCALAR = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | TEXT
)
ANY = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
KEY = st.sampled_from(["world", "a", "b", "story", "photo-1", "jo", "ap"]) | TEXT


def record(fields):
    """A record of one kind: its own fields with values plausible or not, sometimes extra ones."""
    return st.fixed_dictionaries(
        {},
        optional={name: values | ANY for name, values in fields.items()} | {"extra": ANY},
    )


ARTICLE = record(
    {
        "slug": KEY,
        "headline": TEXT,
        "section": KEY,
        "body": TEXT,
        "status": st.sampled_from(["draft", "published", "review", "unpublished", "gone"]),
        "publish_at": TEXT,
        "tags": st.lists(TEXT, max_size=3),
        "lead_photo": KEY,
        "bylines": st.lists(
            st.fixed_dictionaries({}, optional={"author": KEY, "agency": KEY, "role": TEXT}),
            max_size=3,
        ),
        "related_links": st.lists(
            st.fixed_dictionaries({}, optional={"article": KEY, "url": TEXT, "title": TEXT}),
            max_size=3,
        ),
    }
)
DOCUMENT = st.fixed_dictionaries(
    {},
    optional={
        "sections": st.lists(
            record({"slug": KEY, "name": TEXT, "order": st.integers()}), max_size=2
        ),
        "agencies": st.lists(record({"slug": KEY, "name": TEXT, "short_name": TEXT}), max_size=2),
        "photos": st.lists(
            record(
                {
                    "id": KEY,
                    "image": st.sampled_from(["p.jpg", "../p.jpg", "missing.jpg", "/etc/passwd"]),
                    "alt_text": TEXT,
                    "focal_point": st.fixed_dictionaries({"x": st.floats(), "y": st.floats()}),
                }
            ),
            max_size=2,
        ),
        "authors": st.lists(record({"slug": KEY, "name": TEXT, "portrait": KEY}), max_size=2),
        "articles": st.lists(ARTICLE, max_size=3),
    },
)
# Whole files: a document, or something that is not one.
FILE = (
    DOCUMENT.map(json.dumps)
    | ANY.map(json.dumps)
    | st.sampled_from(
        ['{"articles": [', '{"articles": [NaN]}', '{"a": Infinity}', "[" * 100_000, "\ufeff{}", ""]
    )
)


def database_state():
    return {
        model.__name__: model.objects.count()
        for model in (Section, Agency, Photo, Author, Article, Byline, RelatedLink)
    }


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=FILE)
def test_any_file_imports_cleanly_or_writes_nothing(tmp_path, content):
    (tmp_path / "p.jpg").write_bytes(factories.image_bytes())
    path = tmp_path / "fuzz.json"
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    before = database_state()

    report = import_file(path)  # must not raise

    assert isinstance(report, Report)
    if report.problems:
        assert database_state() == before
        assert report.created == report.updated == report.unchanged == 0
    else:
        assert report.failed == 0
