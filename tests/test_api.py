"""
The Partner API serves published stories in the key's scope as IPTC ninjs, each response
valid against IPTC's schema; hidden stories never; pages, polling and revalidation work.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, Byline, Photo
from tests import factories
from tests.api_client import (
    LIST_URL,
    api_get,
    assert_valid_ninjs,
    body,
    detail_url,
    partner_with_key,
    relative,
)
from tests.helpers import HIDDEN_STATES

pytestmark = pytest.mark.django_db
VERSIONS = ["3.1", "2.2"]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.NEWSROOM_SITE_URL = "https://news.example"


@pytest.fixture
def key():
    return partner_with_key()[1]


@pytest.fixture
def story():
    """A story with everything ninjs carries: photo with rights, byline, tags."""
    photo = factories.PhotoFactory(
        caption="Rutte at the lectern.",
        credit_line="AP Photo/Evgeniy Maloletka",
        license_url="https://creativecommons.org/licenses/by/4.0/",
        source=factories.AgencyFactory(name="The Associated Press", short_name="AP"),
    )
    article = factories.ArticleFactory(
        headline="NATO says Ukraine will join",
        slug="nato",
        section=factories.SectionFactory(slug="world", name="World"),
        lead_photo=photo,
        tags=["NATO", "Ukraine"],
    )
    Byline.objects.create(article=article, author=factories.AuthorFactory(), position=0)
    Byline.objects.create(
        article=article, agency=photo.source, position=1, role=Byline.Role.CONTRIBUTOR
    )
    return article


def changes_url(since, **extra):
    query = "&".join(f"{name}={value}" for name, value in extra.items())
    return f"{LIST_URL}?changed_since={since.isoformat().replace('+', '%2B')}&{query}"


@pytest.mark.parametrize("version", VERSIONS)
def test_one_story_is_a_valid_ninjs_document(key, story, version):
    response = api_get(f"{detail_url('nato')}?version={version}", key)

    document = body(response)
    assert response.status_code == 200
    assert_valid_ninjs(document, version)
    assert document["uri"] == "https://news.example/articles/nato/"
    assert document["headlines"][0]["value"] == "NATO says Ukraine will join"
    assert [subject["name"] for subject in document["subjects"]] == ["NATO", "Ukraine"]
    assert document["associations"][0]["type"] == "picture"


@pytest.mark.parametrize("version", VERSIONS)
def test_every_list_item_is_a_valid_ninjs_document_newest_first(key, story, version):
    now = timezone.now()
    factories.ArticleFactory(slug="older", publish_at=now - timedelta(days=2))
    factories.ArticleFactory(slug="newest", publish_at=now - timedelta(minutes=5))

    page = body(api_get(f"{LIST_URL}?version={version}", key))

    for document in page["items"]:
        assert_valid_ninjs(document, version)
    uris = [document["uri"].rsplit("/", 2)[1] for document in page["items"]]
    assert uris == ["newest", "nato", "older"]
    assert (page["count"], page["page"], page["pages"]) == (3, 1, 1)
    assert page["next"] is page["previous"] is None


@pytest.mark.parametrize("version", VERSIONS)
def test_every_changed_story_is_a_valid_ninjs_document(key, story, version):
    since = timezone.now() - timedelta(days=1)

    page = body(api_get(changes_url(since, version=version), key))

    assert [document["uri"] for document in page["items"]] == [
        "https://news.example/articles/nato/"
    ]
    for document in page["items"]:
        assert_valid_ninjs(document, version)


def test_pages_link_to_each_other_and_keep_the_parameters(key):
    for number in range(5):
        factories.ArticleFactory(
            slug=f"story-{number}", publish_at=timezone.now() - timedelta(hours=number + 1)
        )

    first = body(api_get(f"{LIST_URL}?per_page=2&version=2.2", key))
    second = body(api_get(relative(first["next"]), key))
    last = body(api_get(relative(second["next"]), key))

    assert (first["count"], first["pages"], first["previous"]) == (5, 3, None)
    assert first["next"] == "https://news.example/api/v1/articles/?version=2.2&page=2&per_page=2"
    slugs = [d["uri"].rsplit("/", 2)[1] for p in (first, second, last) for d in p["items"]]
    assert slugs == [f"story-{number}" for number in range(5)]
    assert last["next"] is None
    assert last["previous"] == first["next"]
    assert all(d["standard"]["version"] == "2.2" for d in last["items"])


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_a_hidden_story_is_served_nowhere(key, state):
    factories.ArticleFactory(slug="visible")  # there is content that could leak
    factories.ArticleFactory(slug="secret", headline="Secret story", **HIDDEN_STATES[state])
    since = timezone.now() - timedelta(days=30)

    listed = api_get(LIST_URL, key)
    changed = api_get(changes_url(since), key)
    single = api_get(detail_url("secret"), key)

    assert [d["uri"] for d in body(listed)["items"]] == ["https://news.example/articles/visible/"]
    assert body(listed)["count"] == 1
    assert [d["uri"] for d in body(changed)["items"]] == ["https://news.example/articles/visible/"]
    assert single.status_code == 404
    for response in (listed, changed, single):
        assert b"secret" not in response.content.lower()


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_a_hidden_story_answers_as_a_missing_one(key, state, django_assert_num_queries):
    factories.ArticleFactory(slug="visible")
    factories.ArticleFactory(slug="hidden-story", **HIDDEN_STATES[state])

    hidden, missing = api_get(detail_url("hidden-story"), key), api_get(detail_url("nope"), key)

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert body(hidden)["error"]
    assert set(hidden.headers) - {"Date"} == set(missing.headers) - {"Date"}
    with django_assert_num_queries(3):  # partner, story, redirects (the 404 fallback)
        api_get(detail_url("hidden-story"), key)
    with django_assert_num_queries(3):
        api_get(detail_url("nope"), key)


def test_a_partner_reads_only_its_sections(client):
    world = factories.SectionFactory(slug="world", name="World")
    sport = factories.SectionFactory(slug="sport", name="Sport")
    factories.ArticleFactory(slug="summit", section=world)
    factories.ArticleFactory(slug="match", section=sport)
    _, key = partner_with_key(sections=[world])
    _, everything = partner_with_key(name="Wire", all_sections=True)

    listed = body(api_get(LIST_URL, key))
    out_of_scope = api_get(detail_url("match"), key)
    missing = api_get(detail_url("never-was"), key)
    sport_list = api_get(f"{LIST_URL}?section=sport", key)

    assert [d["uri"] for d in listed["items"]] == ["https://news.example/articles/summit/"]
    assert out_of_scope.status_code == 404 and out_of_scope.content == missing.content
    assert sport_list.status_code == 400
    assert "section" in body(sport_list)["error"]
    assert api_get(detail_url("match"), everything).status_code == 200
    sport_items = body(api_get(f"{LIST_URL}?section=sport", everything))["items"]
    assert [d["uri"] for d in sport_items] == ["https://news.example/articles/match/"]
    world_items = body(api_get(f"{LIST_URL}?section=world", key))["items"]
    assert [d["uri"] for d in world_items] == ["https://news.example/articles/summit/"]


def test_a_partner_with_no_section_reads_nothing():
    factories.ArticleFactory(slug="summit")
    _, key = partner_with_key(all_sections=False)

    assert body(api_get(LIST_URL, key))["items"] == []
    assert api_get(detail_url("summit"), key).status_code == 404


def _changed(slug, *, modified, **values):
    """A story whose row last changed at `modified` (auto_now would say now)."""
    article = factories.ArticleFactory(slug=slug, **values)
    Article.objects.filter(pk=article.pk).update(modified_at=modified)
    return article


def test_polling_finds_edits_and_stories_that_went_live_by_themselves(key):
    now = timezone.now()
    _changed("old-news", modified=now - timedelta(days=3), publish_at=now - timedelta(days=3))
    # Saved two days ago, both went live an hour ago with no save: scheduled, and embargoed.
    _changed("was-scheduled", modified=now - timedelta(days=2), publish_at=now - timedelta(hours=1))
    _changed(
        "embargo-ended",
        modified=now - timedelta(days=2),
        publish_at=now - timedelta(days=2),
        embargoed_until=now - timedelta(minutes=30),
    )
    _changed("edited", modified=now - timedelta(minutes=10), publish_at=now - timedelta(days=5))

    page = body(api_get(changes_url(now - timedelta(hours=2)), key))

    slugs = [document["uri"].rsplit("/", 2)[1] for document in page["items"]]
    assert slugs == ["was-scheduled", "embargo-ended", "edited"]
    assert page["more"] is False


def test_a_new_lead_photo_detail_counts_as_a_change(key, story):
    long_ago = timezone.now() - timedelta(days=3)
    Article.objects.filter(pk=story.pk).update(modified_at=long_ago, publish_at=long_ago)
    Photo.objects.filter(pk=story.lead_photo_id).update(updated_at=long_ago)
    since = timezone.now() - timedelta(hours=1)
    assert body(api_get(changes_url(since), key))["items"] == []

    Photo.objects.filter(pk=story.lead_photo_id).update(updated_at=timezone.now())

    assert len(body(api_get(changes_url(since), key))["items"]) == 1


def test_following_next_walks_every_change_once_even_when_times_tie(key):
    tied = timezone.now() - timedelta(hours=1)
    for slug in ["c", "a", "d", "b"]:
        _changed(slug, modified=tied, publish_at=tied - timedelta(days=1))
    _changed("later", modified=tied + timedelta(minutes=1), publish_at=tied - timedelta(days=1))

    seen, url, pages = [], changes_url(tied, per_page=2), 0
    while True:
        page = body(api_get(url, key))
        seen += [document["uri"].rsplit("/", 2)[1] for document in page["items"]]
        url, pages = relative(page["next"]), pages + 1
        if not page["more"]:
            break

    assert seen == ["a", "b", "c", "d", "later"]
    assert pages == 3
    # Polled again later: nothing new, and the same place to ask from.
    again = body(api_get(url, key))
    assert again["items"] == [] and relative(again["next"]) == url
    corrected = Article.objects.get(slug="b")
    corrected.headline = "B, corrected"
    services.article_save(article=corrected)
    assert [d["uri"].rsplit("/", 2)[1] for d in body(api_get(url, key))["items"]] == ["b"]


def test_an_unchanged_answer_is_not_sent_again(key, story):
    first = api_get(detail_url("nato"), key)
    listed = api_get(LIST_URL, key)

    same = api_get(detail_url("nato"), key, HTTP_IF_NONE_MATCH=first["ETag"])
    same_list = api_get(LIST_URL, key, HTTP_IF_NONE_MATCH=listed["ETag"])
    not_modified = api_get(detail_url("nato"), key, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    bad_date = api_get(detail_url("nato"), key, HTTP_IF_MODIFIED_SINCE="yesterday-ish")

    assert first["ETag"].startswith('"') and not first["ETag"].startswith("W/")
    assert same.status_code == same_list.status_code == not_modified.status_code == 304
    assert same.content == b"" and same["ETag"] == first["ETag"]
    assert bad_date.status_code == 200
    with_version = api_get(
        f"{detail_url('nato')}?version=2.2", key, HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert with_version.status_code == 200
    story.headline = "NATO says Ukraine will join, in time"
    services.article_save(article=story)
    edited = api_get(detail_url("nato"), key, HTTP_IF_NONE_MATCH=first["ETag"])
    assert edited.status_code == 200
    assert body(edited)["headlines"][0]["value"].endswith("in time")


def test_answers_are_the_partners_own_and_never_kept_by_the_page_cache(key, story):
    first = api_get(LIST_URL, key)
    second = api_get(LIST_URL, key)
    anonymous = api_get(LIST_URL)
    by_header = api_get(LIST_URL, HTTP_X_API_KEY=key)

    assert first.status_code == second.status_code == by_header.status_code == 200
    assert first["X-Cache"] == second["X-Cache"] == by_header["X-Cache"] == "MISS"
    assert "private" in first["Cache-Control"] and "public" not in first["Cache-Control"]
    assert {"Authorization", "X-API-Key"} <= {v.strip() for v in first["Vary"].split(",")}
    assert anonymous.status_code == 401
    assert b"nato" not in anonymous.content
    assert "no-store" in anonymous["Cache-Control"]


def test_a_request_with_credentials_is_never_answered_from_the_page_cache(client):
    factories.ArticleFactory(slug="visible")
    client.get("/")
    assert client.get("/")["X-Cache"] == "HIT"

    assert client.get("/", HTTP_AUTHORIZATION="Bearer x")["X-Cache"] == "MISS"
    assert client.get("/", HTTP_X_API_KEY="x")["X-Cache"] == "MISS"


def _stories(count):
    for number in range(count):
        article = factories.ArticleFactory(
            lead_photo=factories.PhotoFactory(source=factories.AgencyFactory()),
            tags=[f"Tag {number}", "NATO"],
        )
        factories.BylineFactory(article=article)
        factories.BylineFactory(article=article, author=None, agency=factories.AgencyFactory())


@pytest.mark.parametrize("count", [1, 3])
def test_list_queries_do_not_grow_with_stories(key, count, django_assert_num_queries):
    _stories(count)

    # partner, count, stories with section and photo, bylines, tags, links, corrections
    with django_assert_num_queries(7):
        response = api_get(LIST_URL, key)

    assert len(body(response)["items"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_changes_queries_do_not_grow_with_stories(key, count, django_assert_num_queries):
    _stories(count)
    since = timezone.now() - timedelta(days=1)

    # partner, section, stories with their photos, bylines, tags, links, corrections
    with django_assert_num_queries(7):
        response = api_get(changes_url(since, section="news"), key)

    assert len(body(response)["items"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_detail_queries_do_not_grow_with_bylines(key, count, django_assert_num_queries):
    _stories(1)
    article = Article.objects.get()
    for _ in range(count):
        factories.BylineFactory(article=article)

    # partner, story with section and photo, bylines, tags, links, corrections
    with django_assert_num_queries(6):
        response = api_get(detail_url(article.slug), key)

    assert len(body(response)["people"]) == count + 1


def test_without_a_site_address_the_addresses_are_on_the_requests_host(key, story, settings):
    settings.NEWSROOM_SITE_URL = ""

    document = body(api_get(detail_url("nato"), key))
    page = body(api_get(f"{LIST_URL}?per_page=1", key))

    assert document["uri"] == "http://testserver/articles/nato/"
    assert document["associations"][0]["renditions"][0]["href"].startswith("http://testserver/")
    assert page["items"][0]["uri"] == "http://testserver/articles/nato/"
