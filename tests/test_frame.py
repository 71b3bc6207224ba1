"""A reader's article page put together from kept parts in a kept frame (articles.views.frame)."""

import pytest
from django.test import Client
from django.utils.safestring import mark_safe

from articles import services
from articles.views.frame import framed_page
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0


def test_the_frame_is_the_page_the_template_renders(rf):
    story = factories.ArticleFactory(headline="Talks resume")
    framed = Client().get(story.get_absolute_url()).content.decode()

    assert framed.startswith('<!DOCTYPE html>\n<html lang="en-gb">')
    assert "<title>Talks resume – " in framed
    assert framed.count("<main") == 1 and framed.count("</html>") == 1
    assert "\x00" not in framed


def test_text_parts_are_escaped_and_markup_parts_are_not():
    response = framed_page(
        "articles/article_detail.html",
        {
            "article_title": "<script>alert(1)</script> & co",
            "article_head": mark_safe('<meta name="description" content="x">'),
            "article_main": mark_safe("<article><p>Body</p></article>"),
        },
        {},
    )
    page = response.content.decode()

    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co – " in page
    assert "<script>alert" not in page
    assert '<meta name="description" content="x">' in page
    assert "<article><p>Body</p></article>" in page


def test_a_template_that_does_not_show_a_part_is_refused():
    with pytest.raises(ValueError, match="article_missing"):
        framed_page(
            "articles/article_detail.html",
            {"article_title": "T", "article_head": "", "article_main": "", "article_missing": ""},
            {},
        )


def test_the_frame_follows_the_navigation(committed):
    story = factories.ArticleFactory(headline="Talks resume")
    url = story.get_absolute_url()
    assert "Opinion" not in Client().get(url).content.decode()

    with committed():
        opinion = factories.SectionFactory.build(name="Opinion", slug="opinion", in_navigation=True)
        services.content_save(instance=opinion)

    again = Client().get(url)
    assert 'href="/sections/opinion/"' in again.content.decode()
    assert "sections" in again["Surrogate-Key"].split()
