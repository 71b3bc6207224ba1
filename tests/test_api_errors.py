"""
Whatever is wrong with a request to the Partner API (its key, its method, its parameters, its
headers, its rate) the answer is a JSON error with the right status and a message saying what
is expected, never a page, a stack trace or a story.
"""

import logging
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from newsroom.partners import services, throttle
from newsroom.partners.keys import key_make
from tests import factories
from tests.api_client import LIST_URL, api_get, body, detail_url, partner_with_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.NEWSROOM_SITE_URL = "https://news.example"


@pytest.fixture
def partner():
    factories.ArticleFactory(slug="visible")  # there is content that could leak
    return partner_with_key()


def assert_error(response, status, *, code=None):
    """A JSON error of `status`: a message, the status, kept by no cache, nothing of a story."""
    error = body(response)
    assert response.status_code == error["status"] == status
    assert isinstance(error["error"], str) and len(error["error"]) > 10
    assert code is None or error["code"] == code
    assert "items" not in error and b"visible" not in response.content
    assert b"Traceback" not in response.content
    return error


def test_no_key_is_401_with_a_bearer_challenge(partner):
    response = api_get(LIST_URL)

    error = assert_error(response, 401, code="key_missing")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in error["error"]


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer",
        "Bearer ",
        "Bearer not-a-key",
        "Bearer " + "x" * 5000,
        "Bearer " + key_make(),  # well formed, issued to nobody
        "Bearer ключ-который-не-ключ",
        "Bearer a b",
        "bearer%20" + key_make(),
    ],
)
def test_a_key_that_is_not_valid_is_401_and_says_only_that(partner, authorization):
    revoked, revoked_key = partner_with_key(name="Former partner")
    services.partner_revoke(partner=revoked)

    response = api_get(LIST_URL, HTTP_AUTHORIZATION=authorization)
    by_revoked_key = api_get(LIST_URL, revoked_key)

    error = assert_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    if authorization.lower().startswith("bearer "):
        # A revoked key and one that never was are refused alike.
        assert by_revoked_key.content == response.content
        assert error["code"] == "key_invalid"


@pytest.mark.parametrize("authorization", ["Basic dXNlcjpwYXNz", "Token abc", "Digest x"])
def test_another_authorization_scheme_is_401(partner, authorization):
    assert_error(api_get(LIST_URL, HTTP_AUTHORIZATION=authorization), 401, code="key_missing")


def test_the_key_may_come_as_x_api_key_but_not_as_two_different_keys(partner):
    _, key = partner

    assert api_get(LIST_URL, HTTP_X_API_KEY=key).status_code == 200
    assert api_get(LIST_URL, key, HTTP_X_API_KEY=key).status_code == 200
    assert_error(api_get(LIST_URL, key, HTTP_X_API_KEY=key_make()), 400, code="key_conflict")


def test_a_replaced_key_stops_working_at_once(partner):
    record, old_key = partner

    new_key = services.partner_rotate_key(partner=record)

    assert_error(api_get(LIST_URL, old_key), 401, code="key_invalid")
    assert api_get(LIST_URL, new_key).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
@pytest.mark.parametrize("url", [LIST_URL, detail_url("visible")])
def test_only_get_and_head_are_allowed(partner, method, url):
    _, key = partner

    response = api_get(url, key, method=method)

    assert_error(response, 405, code="method_not_allowed")
    assert response["Allow"] == "GET, HEAD"


def test_head_answers_as_get_without_a_body(partner):
    _, key = partner

    got, head = api_get(LIST_URL, key), api_get(LIST_URL, key, method="head")

    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == got["ETag"]


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("page=", "page"),
        ("page=%EF%BC%92", "page"),  # a full-width digit two
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=1e2", "per_page"),
        ("per_page=99999999999999999999", "per_page"),
        ("version=4.0", "version"),
        ("version=", "version"),
        ("version=3.10", "version"),
        ("version=2.2%0A", "version"),
        ("sort=headline", "Unknown parameter sort"),
        ("changed_sinse=2025-01-01T00:00:00Z", "Unknown parameter changed_sinse"),
        ("%3Cscript%3E=1", "Unknown parameter."),
        ("page=1&page=2", "more than once"),
        ("changed_since=yesterday", "changed_since"),
        ("changed_since=2025-03-01", "changed_since"),  # no time, no offset
        ("changed_since=2025-03-01T10:00:00", "changed_since"),  # no offset
        ("changed_since=2025-13-01T10:00:00Z", "changed_since"),
        ("changed_since=2025-03-01T10:00:00%2B25:00", "changed_since"),
        ("changed_since=9999-12-31T23:59:59-23:59", "out of range"),
        ("changed_since=0001-01-01T00:00:00%2B01:00", "out of range"),
        ("changed_since=" + "9" * 5000, "changed_since"),
        ("changed_since=2025-03-01T10:00:00Z&page=2", "page does not go with"),
        ("after=some-story", "after goes with changed_since"),
        ("changed_since=2025-03-01T10:00:00Z&after=a%20b", "after must be"),
        ("section=world%0D%0ASet-Cookie:%20x=1", "section must be"),
        ("section=../../etc", "section must be"),
    ],
)
def test_a_parameter_that_is_not_understood_is_400_saying_why(partner, query, word):
    _, key = partner

    response = api_get(f"{LIST_URL}?{query}", key)

    error = assert_error(response, 400, code="bad_parameter")
    assert word in error["error"]
    assert "Set-Cookie" not in response.headers and not response.cookies


@pytest.mark.parametrize("query", ["page=2", "page=999999999999999999999999999999"])
def test_a_page_past_the_last_is_404_naming_the_last(partner, query):
    _, key = partner

    error = assert_error(api_get(f"{LIST_URL}?{query}", key), 404, code="not_found")

    assert "the last is 1" in error["error"]


def test_a_story_takes_only_the_version(partner):
    _, key = partner

    assert api_get(detail_url("visible") + "?version=2.2", key).status_code == 200
    error = assert_error(api_get(detail_url("visible") + "?page=2", key), 400)
    assert "This address takes: version" in error["error"]


def test_a_plus_sent_unencoded_in_the_offset_is_read_as_meant(partner):
    _, key = partner

    response = api_get(f"{LIST_URL}?changed_since=2000-01-01T10:00:00+01:00", key)

    assert response.status_code == 200
    assert body(response)["changed_since"] == "2000-01-01T09:00:00+00:00"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing/", "/api/v1/articles/a%00b/", "/api/v2/articles/", "/api/v1/articles/ä/"],
)
def test_an_address_the_api_does_not_have_is_a_json_404(partner, path):
    _, key = partner

    assert_error(api_get(path, key), 404, code="not_found")


def test_header_injection_goes_nowhere(partner):
    _, key = partner

    responses = [
        api_get(LIST_URL, HTTP_AUTHORIZATION=f"Bearer {key}\r\nX-Injected: yes"),
        api_get(LIST_URL, HTTP_X_API_KEY=f"{key}\r\nSet-Cookie: stolen=1"),
        api_get(LIST_URL, key, HTTP_IF_NONE_MATCH='"x"\r\nX-Injected: yes'),
        api_get(LIST_URL, key, HTTP_IF_MODIFIED_SINCE="Mon\r\nX-Injected: yes"),
    ]

    assert [response.status_code for response in responses] == [401, 401, 200, 200]
    for response in responses:
        assert "X-Injected" not in response.headers and not response.cookies
        assert b"X-Injected" not in response.content and b"stolen" not in response.content


def test_a_host_the_site_does_not_answer_to_is_a_json_400(partner):
    _, key = partner

    with mock.patch("logging.Logger.error"):  # Django logs the refused host as an error.
        response = api_get(LIST_URL, key, HTTP_HOST="evil.example")

    assert_error(response, 400, code="bad_request")


def test_past_the_rate_limit_a_key_is_refused_until_the_minute_is_over(partner):
    record, key = partner
    record.rate_limit = 2
    services.partner_update(partner=record)
    _, other_key = partner_with_key(name="Another partner")

    first, second, third = (api_get(LIST_URL, key) for _ in range(3))

    assert (first.status_code, second.status_code) == (200, 200)
    assert (first["X-RateLimit-Limit"], first["X-RateLimit-Remaining"]) == ("2", "1")
    assert second["X-RateLimit-Remaining"] == "0"
    error = assert_error(third, 429, code="rate_limited")
    assert 1 <= int(third["Retry-After"]) <= 60
    assert "2 a minute" in error["error"]
    assert third["X-RateLimit-Remaining"] == "0"
    # Another key has its own count; a missing key is refused before it is counted.
    assert api_get(LIST_URL, other_key).status_code == 200


def test_the_default_rate_limit_comes_from_the_settings(partner, settings):
    _, key = partner
    settings.NEWSROOM_PARTNER_API_RATE_PER_MINUTE = 1

    assert api_get(LIST_URL, key)["X-RateLimit-Limit"] == "1"
    assert_error(api_get(LIST_URL, key), 429)


def test_a_failing_cache_does_not_take_the_api_down(partner, caplog):
    _, key = partner

    with (
        mock.patch.object(throttle.cache, "incr", side_effect=ConnectionError("cache down")),
        caplog.at_level(logging.WARNING, logger="newsroom.partners.throttle"),
    ):
        response = api_get(LIST_URL, key)

    assert response.status_code == 200
    assert "X-RateLimit-Remaining" not in response
    assert "rate limit not counted" in caplog.text


def test_a_fault_is_a_json_500_without_a_trace(partner):
    _, key = partner
    client = Client(raise_request_exception=False)

    with (
        mock.patch("articles.api.views.article_ninjs", side_effect=RuntimeError("secret detail")),
        mock.patch("logging.Logger.error"),
    ):
        response = api_get(LIST_URL, key, client=client)

    assert_error(response, 500, code="server_error")
    assert b"secret detail" not in response.content


def test_an_unavailable_database_is_a_json_503_with_retry_after(partner):
    _, key = partner
    client = Client(raise_request_exception=False)

    with mock.patch(
        "articles.api.views.Paginator.page", side_effect=OperationalError("database is locked")
    ):
        response = api_get(LIST_URL, key, client=client)

    assert_error(response, 503, code="unavailable")
    assert response["Retry-After"] == "10"


def test_a_precondition_that_does_not_hold_is_a_json_412(partner):
    _, key = partner

    response = api_get(LIST_URL, key, HTTP_IF_MATCH='"not-this-one"')

    assert_error(response, 412, code="precondition_failed")
