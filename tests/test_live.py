"""Live blogs: updates posted through the write path, shown, polled, fed and cached by their key."""

import json

import extruct
import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from articles import services
from articles.importing import import_file
from articles.models import Article, LiveEntry, LiveEntryRevision
from newsroom.audit.models import AuditEntry
from tests import factories
from tests.helpers import HIDDEN_STATES

pytestmark = pytest.mark.django_db

PAGE_CACHE_MISS = 1


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def blog(db):
    return factories.ArticleFactory(
        headline="NATO summit, live", slug="nato-live", article_type=Article.Type.LIVE
    )


def post(blog, body="<p>Update.</p>", user=None, **fields):
    entry = LiveEntry(article=blog, body=body, **fields)
    return services.live_entry_save(entry=entry, user=user)


def test_the_page_shows_key_events_pinned_updates_then_the_newest(client, blog):
    first = post(blog, "<p>Leaders arrive.</p>", key_event=True, title="Leaders arrive")
    pinned = post(blog, "<p>What we know so far.</p>", pinned=True, title="Summary")
    latest = post(blog, "<p>Talks begin.</p>", author=factories.AuthorFactory(name="Ana"))

    page = soup(client.get(blog.get_absolute_url()))

    live = page.select_one("section.live")
    assert [a["href"] for a in live.select(".live-key-events a")] == [f"#update-{first.pk}"]
    assert [e["id"] for e in live.select(".live-pinned .live-entry")] == [f"update-{pinned.pk}"]
    assert [e["id"] for e in live.select(".live-stream .live-entry")] == [
        f"update-{latest.pk}",
        f"update-{first.pk}",
    ]
    assert live.select_one(f"#update-{latest.pk} .live-entry-by").text == "By Ana"
    assert live["data-after"] == str(latest.pk)
    assert page.select_one(".article-header .label").text == "Live"
    assert live.select_one("script")["src"].endswith("articles/live.js")


def test_structured_data_is_a_live_blog_posting_with_its_updates(client, blog):
    entries = [post(blog, f"<p>Update {n}.</p>", title=f"Update {n}") for n in range(3)]

    response = client.get(blog.get_absolute_url())
    data = extruct.extract(response.content.decode(), syntaxes=["json-ld"])["json-ld"]

    [posting] = [item for item in data if item["@type"] == "LiveBlogPosting"]
    assert [u["headline"] for u in posting["liveBlogUpdate"]] == [
        "Update 2",
        "Update 1",
        "Update 0",
    ]
    assert posting["liveBlogUpdate"][0]["url"].endswith(f"#update-{entries[-1].pk}")
    assert posting["coverageStartTime"]
    assert "coverageEndTime" not in posting


def test_updates_since_the_newest_shown_are_answered_for_front_caches(client, blog):
    seen = post(blog, "<p>Seen.</p>")
    new = post(blog, "<p>New <script>alert(1)</script>one.</p>")

    response = client.get(f"/articles/nato-live/updates/?after={seen.pk}")

    answer = response.json()
    assert [update["id"] for update in answer["updates"]] == [new.pk]
    assert "<script" not in answer["updates"][0]["html"]
    assert f'id="update-{new.pk}"' in answer["updates"][0]["html"]
    assert (answer["latest"], answer["ended"]) == (new.pk, False)
    assert "public" in response["Cache-Control"] and "max-age=10" in response["Cache-Control"]
    assert f"live-a{blog.pk}" in response["Surrogate-Key"].split()


@pytest.mark.parametrize("after", ["x", "-1", "1.5", "9" * 40, "%00"])
def test_a_bad_after_is_a_clear_error(client, blog, after):
    response = client.get("/articles/nato-live/updates/", {"after": after})

    assert response.status_code == 400
    assert "after" in response.json()["error"]
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_a_hidden_live_blog_gives_nothing_away(client, state):
    hidden = factories.ArticleFactory(
        slug="secret-live", article_type=Article.Type.LIVE, **HIDDEN_STATES[state]
    )
    post(hidden, "<p>Secret update.</p>")

    for address in ("/articles/secret-live/updates/", "/articles/secret-live/updates/feed/"):
        response = client.get(address)
        assert response.status_code == 404
        assert b"Secret update" not in response.content


def test_only_live_blogs_have_updates(client):
    factories.ArticleFactory(slug="plain")

    assert client.get("/articles/plain/updates/").status_code == 404
    with pytest.raises(ValidationError, match="not one"):
        post(Article.objects.get(slug="plain"))


def test_an_ended_blog_takes_no_updates_and_says_so(client, blog, committed):
    post(blog, "<p>Last one.</p>")
    with committed():
        services.live_end(article=Article.objects.get(pk=blog.pk))

    with pytest.raises(ValidationError, match="has ended"):
        post(Article.objects.get(pk=blog.pk))
    page = soup(client.get(blog.get_absolute_url()))
    assert "This live coverage has ended." in page.select_one(".live-ended").text
    assert page.select_one("section.live").get("data-updates") is None
    assert page.select_one(".article-header .label").text == "Live blog"
    assert client.get("/articles/nato-live/updates/?after=0").json()["ended"] is True


def test_each_save_is_kept_as_a_revision_and_audited(blog, committed):
    reporter = factories.ReporterFactory()
    with committed():
        entry = post(blog, "<p>First draft.</p>", user=reporter)
    with committed():
        entry.body = "<p>Corrected.</p>"
        services.live_entry_save(entry=entry, user=reporter, fields=["body"])

    bodies = [r.data["body"] for r in LiveEntryRevision.objects.filter(entry=entry)]
    assert bodies == ["<p>Corrected.</p>", "<p>First draft.</p>"]
    actions = AuditEntry.objects.filter(content_type__model="liveentry").values_list(
        "action", "username"
    )
    assert sorted(actions) == [("change", reporter.username), ("create", reporter.username)]


def test_who_may_post_and_take_down(blog):
    outsider = factories.UserFactory(is_staff=True)
    reporter = factories.ReporterFactory()

    with pytest.raises(PermissionDenied):
        post(blog, user=outsider)
    entry = post(blog, user=reporter)
    with pytest.raises(PermissionDenied):
        services.live_entry_delete(entry=entry, user=reporter)
    services.live_entry_delete(entry=entry, user=factories.EditorFactory())
    assert not LiveEntry.objects.exists()


def test_an_author_and_an_agency_together_are_refused(blog):
    with pytest.raises(ValidationError):
        post(blog, author=factories.AuthorFactory(), agency=factories.AgencyFactory())
    assert not LiveEntry.objects.exists()


def test_the_feed_carries_the_updates(client, blog):
    entries = [post(blog, f"<p>Update {n}.</p>", title=f"Update {n}") for n in range(2)]

    feed = feedparser.parse(client.get("/articles/nato-live/updates/feed/").content)
    atom = feedparser.parse(client.get("/articles/nato-live/updates/feed/atom/").content)

    assert feed.bozo == 0 and atom.bozo == 0
    assert [e.title for e in feed.entries] == ["Update 1", "Update 0"]
    assert feed.entries[0].link.endswith(f"/articles/nato-live/#update-{entries[1].pk}")
    assert "<p>Update 1.</p>" in atom.entries[0].summary


def test_posting_updates_leaves_every_other_page_kept(client, blog, committed):
    other = factories.ArticleFactory(slug="other", section=blog.section)
    addresses = ["/", blog.section.get_absolute_url(), other.get_absolute_url(), "/feed/"]
    for address in [*addresses, blog.get_absolute_url()]:
        client.get(address)

    # One update every ten seconds for a minute.
    for n in range(6):
        with committed():
            post(Article.objects.get(pk=blog.pk), f"<p>Update {n}.</p>")
        assert client.get(blog.get_absolute_url())["X-Cache"] == "MISS"
        # Even the pages showing the blog's card: an update does not change the card.
        assert {client.get(a)["X-Cache"] for a in addresses} == {"HIT"}
        assert f"Update {n}." in client.get(blog.get_absolute_url()).content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_posting_an_update_costs_the_same_however_many_the_blog_has(
    blog, committed, django_assert_num_queries, count
):
    for n in range(count):
        post(blog, f"<p>Earlier {n}.</p>", author=factories.AuthorFactory())
    blog = Article.objects.get(pk=blog.pk)

    # The update's insert (in its savepoint: three); after the commit, its revision (read,
    # write), its audit entry, the keys it makes stale (its blog, found by the update).
    with django_assert_num_queries(7), committed():
        post(blog, "<p>New.</p>")


@pytest.mark.parametrize("count", [1, 3])
def test_the_updates_answer_costs_the_same_however_many(
    client, blog, django_assert_num_queries, count
):
    for n in range(count):
        post(blog, f"<p>Update {n}.</p>", author=factories.AuthorFactory(), photo=None)

    # The blog, then its updates with their authors, agencies and photos.
    with django_assert_num_queries(2):
        response = client.get("/articles/nato-live/updates/?after=0")
    assert len(response.json()["updates"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_live_page_costs_the_same_however_many_updates(blog, django_assert_num_queries, count):
    for n in range(count):
        post(blog, f"<p>Update {n}.</p>", author=factories.AuthorFactory(), key_event=True)

    # The article as any article page reads it (7), and its updates with what they show.
    with django_assert_num_queries(7 + 1 + PAGE_CACHE_MISS):
        response = Client().get(blog.get_absolute_url())
    assert len(soup(response).select(".live-entry")) == count


def test_times_are_given_to_the_second(client, blog):
    post(blog, published_at=timezone.now().replace(microsecond=123456))

    time = soup(client.get(blog.get_absolute_url())).select_one(".live-entry time")

    assert "." not in time["datetime"]


# Live blogs in fixture files.

WHEN = "2024-10-17T12:00:00+00:00"
LATER = "2024-10-17T12:05:00.250000+00:00"


def live_fixture(tmp_path, updates, **article):
    data = {
        "sections": [{"slug": "world", "name": "World"}],
        "authors": [{"slug": "ana", "name": "Ana"}],
        "articles": [
            {
                "slug": "summit-live",
                "headline": "Summit, live",
                "section": "world",
                "article_type": "live",
                "live_entries": updates,
                **article,
            }
        ],
    }
    path = tmp_path / "live.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_fixture_brings_a_live_blog_with_its_updates_and_again_changes_nothing(tmp_path):
    updates = [
        {"published_at": WHEN, "body": "<p>First.</p>", "author": "ana", "key_event": True},
        {"published_at": LATER, "title": "Then", "body": "<p>Second.</p>", "pinned": True},
    ]
    assert import_file(live_fixture(tmp_path, updates)).ok
    first = {entry.published_at.isoformat(): entry.pk for entry in LiveEntry.objects.all()}

    again = import_file(live_fixture(tmp_path, updates))
    updates[0]["body"] = "<p>First, corrected.</p>"
    changed = import_file(live_fixture(tmp_path, updates[:1]))

    assert (again.created, again.updated) == (0, 0)
    assert changed.ok and changed.updated == 1
    [entry] = LiveEntry.objects.all()
    # The update of that time is the same update, changed: its address stays.
    assert (entry.pk, entry.body) == (
        first["2024-10-17T12:00:00+00:00"],
        "<p>First, corrected.</p>",
    )
    assert entry.author.slug == "ana" and entry.key_event


@pytest.mark.parametrize(
    ("updates", "article", "field"),
    [
        (
            [{"published_at": WHEN, "body": "<p>x</p>", "author": "nobody"}],
            {},
            "live_entries[1].author",
        ),
        ([{"published_at": "noon", "body": "<p>x</p>"}], {}, "live_entries[1].published_at"),
        ([{"published_at": WHEN, "body": " "}], {}, "live_entries[1].body"),
        ([{"published_at": WHEN}], {}, "live_entries[1].body"),
        ([{"published_at": WHEN, "body": "<p>x</p>", "by": "me"}], {}, "live_entries[1].by"),
        ([{"published_at": WHEN, "body": "<p>x</p>"}], {"article_type": "news"}, "live_entries"),
        (
            [{"published_at": WHEN, "body": "<p>x</p>", "author": "ana", "agency": "ap"}],
            {},
            "live_entries[1]",
        ),
    ],
)
def test_a_bad_update_in_a_fixture_is_refused_by_name(tmp_path, updates, article, field):
    path = live_fixture(tmp_path, updates, **article)
    if "agency" in updates[0]:
        data = json.loads(path.read_text())
        data["agencies"] = [{"slug": "ap", "name": "AP news", "short_name": "AP"}]
        path.write_text(json.dumps(data))

    report = import_file(path)

    assert not report.ok
    assert field in [problem.field for problem in report.problems], report.problems
    assert not Article.objects.exists() and not LiveEntry.objects.exists()
