"""Kept pages answered by the WSGI application before Django handles the request."""

import io
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from articles import services
from articles.caching.wsgi import serve_kept
from tests import factories

pytestmark = pytest.mark.django_db


class Django:
    """Django's handler, counting the requests it was given."""

    def __init__(self):
        self.handler, self.calls = WSGIHandler(), 0

    def __call__(self, environ, start_response):
        self.calls += 1
        # As Django's test client does: the test's open transaction is no old connection.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            return self.handler(environ, start_response)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def call(application, path, method="GET", **headers):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        **headers,
    }
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    body = application(environ, start_response)
    answer["body"] = b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return answer


@pytest.fixture
def story():
    return factories.ArticleFactory(headline="Talks resume")


def test_a_kept_page_is_answered_before_django(story, django_assert_num_queries):
    django = Django()
    application = serve_kept(django)
    url = story.get_absolute_url()
    built = Client().get(url)

    with django_assert_num_queries(0):
        kept = call(application, url)

    assert django.calls == 0
    assert kept["status"] == "200 OK"
    assert kept["body"] == built.content
    assert kept["headers"]["X-Cache"] == "HIT"
    for header in ("Content-Type", "Content-Security-Policy", "ETag", "Surrogate-Key"):
        assert kept["headers"][header] == built[header]


def test_a_head_request_gets_the_headers_alone(story):
    application = serve_kept(Django())
    Client().get(story.get_absolute_url())

    kept = call(application, story.get_absolute_url(), method="HEAD")

    assert kept["headers"]["X-Cache"] == "HIT"
    assert kept["body"] == b""


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_IF_NONE_MATCH": '"x"'},
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_HOST": "evil.example"},
        {"QUERY_STRING": "utm_source=x"},
    ],
)
def test_what_the_cache_may_not_answer_goes_to_django(story, headers):
    django = Django()
    application = serve_kept(django)
    Client().get(story.get_absolute_url())

    answer = call(application, story.get_absolute_url(), **headers)

    assert django.calls == 1
    if headers.get("HTTP_HOST") == "evil.example":
        assert answer["status"].startswith("400")


def test_a_page_made_stale_goes_to_django(story, committed):
    django = Django()
    application = serve_kept(django)
    Client().get(story.get_absolute_url())
    with committed():
        story.headline = "Talks collapse"
        services.article_save(article=story)

    answer = call(application, story.get_absolute_url())

    assert django.calls == 1
    assert b"Talks collapse" in answer["body"]


def test_a_failing_cache_leaves_the_page_to_django(story, monkeypatch):
    from django.core.cache import cache

    django = Django()
    application = serve_kept(django)
    Client().get(story.get_absolute_url())

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", broken)
    monkeypatch.setattr(cache, "get", broken)

    answer = call(application, story.get_absolute_url())

    assert django.calls == 1
    assert answer["status"] == "200 OK"
    assert b"Talks resume" in answer["body"]
