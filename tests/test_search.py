"""
Site search through the full-text index (PostgreSQL's, or SQLite's FTS5): words found by
their stem, headline matches first, snippets with the words marked, the index kept current by
the write path, and nothing unpublished ever found.
"""

from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test import Client

from articles import search, services
from articles.models import Article, search_index
from tests import factories

pytestmark = pytest.mark.django_db


def results(query):
    page = BeautifulSoup(Client().get("/search/", {"q": query}).content, "html.parser")
    return [card.get_text(" ", strip=True) for card in page.select(".card-headline")]


def indexed():
    services.articles_search_index(article_ids=Article.objects.values_list("pk", flat=True))


def index_size():
    column = "rowid" if connection.vendor == "sqlite" else "article_id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT({column}) FROM {search_index.TABLE}")
        return cursor.fetchone()[0]


def test_words_are_found_by_their_stem():
    factories.ArticleFactory(headline="Talks resume", body="<p>Negotiating teams met.</p>")
    factories.ArticleFactory(headline="Budget", body="<p>Nothing of the sort.</p>")
    indexed()

    assert results("negotiations") == ["Talks resume"]


def test_a_word_in_the_headline_ranks_above_one_in_the_body():
    factories.ArticleFactory(headline="Council meets", body="<p>The drought goes on.</p>")
    factories.ArticleFactory(headline="Drought worsens", body="<p>The council met.</p>")
    indexed()

    assert results("drought") == ["Drought worsens", "Council meets"]


def test_every_word_must_be_found():
    factories.ArticleFactory(headline="Council budget", body="<p>Cuts.</p>")
    factories.ArticleFactory(headline="Council elections", body="<p>Votes.</p>")
    indexed()

    assert results("council budget") == ["Council budget"]


def test_results_show_where_the_story_says_it_with_the_words_marked():
    factories.ArticleFactory(
        headline="Talks",
        body="<p>Opening words.</p><p>Later the <em>negotiators</em> said &lt;more&gt; talks"
        " would follow the budget.</p>",
    )
    indexed()

    page = BeautifulSoup(Client().get("/search/", {"q": "negotiations"}).content, "html.parser")
    snippet = page.select_one(".card .snippet")

    assert [mark.get_text() for mark in snippet.select("mark")] == ["negotiators"]
    assert "<more>" in snippet.get_text()
    assert not snippet.select("em, p")


@pytest.mark.parametrize(
    "query",
    [
        '"unterminated',
        "NEAR(a b)",
        "headline: council",
        "a* OR -b AND (c",
        "^start",
        "'; DROP TABLE articles_article; --",
        "\x00",
        "ünïcödé ßtraße",
        "🦆",
    ],
)
def test_any_query_answers_calmly(query):
    factories.ArticleFactory(headline="Council budget")
    indexed()

    response = Client().get("/search/", {"q": query})

    assert response.status_code == 200
    assert Article.objects.exists()


def test_the_write_path_keeps_the_index_current(committed):
    article = factories.ArticleFactory(headline="Harbour reopens", slug="harbour")

    with committed():
        services.article_save(article=article)
    assert results("harbour") == ["Harbour reopens"]

    with committed():
        article.headline = "Port reopens"
        services.article_save(article=article)
    assert results("harbour") == []
    assert results("port") == ["Port reopens"]

    with committed():
        services.article_unpublish(article=article)
    assert results("port") == []

    with committed():
        services.article_delete(article=article)
    assert index_size() == 0


def test_indexing_an_article_deleted_meanwhile_removes_it():
    article = factories.ArticleFactory(headline="Gone soon")
    indexed()
    pk = article.pk
    Article.objects.filter(pk=pk).delete()

    assert services.articles_search_index(article_ids=[pk]) == 0
    assert index_size() == 0


def test_indexing_queries_do_not_grow_with_articles(django_assert_num_queries):
    ids = [a.pk for a in factories.ArticleFactory.create_batch(30)]

    # Read the articles, drop what the index held of them, write them: and a savepoint.
    with django_assert_num_queries(5):
        services.articles_search_index(article_ids=ids[:1])
    with django_assert_num_queries(5):
        services.articles_search_index(article_ids=ids)


def test_snippet_keeps_markup_out_and_marks_stems():
    text = search.plain_text("<p>A <strong>bud</strong>get &amp; <a href='x'>talks</a></p>")

    assert text == "A budget & talks"
    assert str(search.snippet(text, "budgets", language="english")) == (
        "A <mark>budget</mark> &amp; talks"
    )
    assert search.fts5_query('say "hi" now') == '"say" "hi" "now"'
    assert search.fts5_query("  ") is None


def test_the_whole_index_can_be_made_anew():
    factories.ArticleFactory(headline="Harbour reopens")
    factories.ArticleFactory(headline="Harbour closes")
    out = StringIO()

    call_command("search_index", stdout=out)

    assert "2 articles indexed" in out.getvalue()
    assert sorted(results("harbour")) == ["Harbour closes", "Harbour reopens"]


@pytest.mark.django_db(transaction=True)
def test_no_index_row_outlives_its_article_however_it_goes():
    kept, deleted = factories.ArticleFactory.create_batch(2)
    indexed()

    Article.objects.filter(pk=deleted.pk).delete()  # around the write path
    assert index_size() == 1

    call_command(
        "flush", interactive=False, verbosity=0
    )  # DELETE on SQLite, TRUNCATE on PostgreSQL
    assert index_size() == 0
