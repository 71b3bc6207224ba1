"""A hidden article and a missing one are the same to readers: no redirect, status, body,
header or query count tells them apart."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import services
from tests import factories
from tests.helpers import HIDDEN_STATES

pytestmark = pytest.mark.django_db


def answer(url):
    """(status, body, header names, query count) of an anonymous request for `url`."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    headers = {name for name in response.headers if name not in ("Date",)}
    return response.status_code, response.content, headers, len(queries)


def test_the_old_address_of_a_story_taken_down_is_a_plain_404(committed):
    article = factories.ArticleFactory(slug="first-name")
    with committed():
        article.slug = "secret-new-name"
        services.article_save(article=article)
    assert Client().get("/articles/first-name/")["Location"] == "/articles/secret-new-name/"

    with committed():
        services.article_unpublish(article=article)

    taken_down = answer("/articles/first-name/")
    assert taken_down[0] == 404
    assert b"secret-new-name" not in taken_down[1]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_a_hidden_article_answers_as_a_missing_one(state):
    factories.ArticleFactory(slug="visible")  # there is content that could leak
    hidden = factories.ArticleFactory(slug="hidden-story", **HIDDEN_STATES[state])
    factories.BylineFactory(article=hidden)

    Client().get("/articles/warming-up/")  # the site's per-process caches, once, for both
    hidden_answer = answer("/articles/hidden-story/")
    missing_answer = answer("/articles/never-existed/")

    assert hidden_answer[0] == missing_answer[0] == 404
    assert hidden_answer[1] == missing_answer[1]
    assert hidden_answer[2] == missing_answer[2]
    assert hidden_answer[3] == missing_answer[3]  # the same work, so about the same time
