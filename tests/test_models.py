from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone

from articles import display
from articles.models import Article, Byline, RelatedLink
from tests import factories

NOW = timezone.now


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "offset", "expected"),
    [
        (Article.Status.PUBLISHED, timedelta(hours=-1), True),
        (Article.Status.PUBLISHED, timedelta(hours=1), False),
        (Article.Status.DRAFT, timedelta(hours=-1), False),
        (Article.Status.IN_REVIEW, timedelta(hours=-1), False),
        (Article.Status.UNPUBLISHED, timedelta(hours=-1), False),
        (Article.Status.DRAFT, None, False),
    ],
)
def test_published_queryset_and_property_agree(status, offset, expected):
    article = factories.ArticleFactory(
        status=status, publish_at=NOW() + offset if offset is not None else None
    )

    in_queryset = Article.objects.published().filter(pk=article.pk).exists()

    assert in_queryset is expected
    assert article.is_published is expected


@pytest.mark.django_db
def test_published_article_needs_a_publish_time_in_the_database():
    with pytest.raises(IntegrityError):
        factories.ArticleFactory(status=Article.Status.PUBLISHED, publish_at=None)


@pytest.mark.django_db
def test_published_article_without_headline_or_time_is_invalid():
    article = factories.ArticleFactory.build(
        headline="",
        status=Article.Status.PUBLISHED,
        publish_at=None,
        section=factories.SectionFactory(),
    )

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert "headline" in error.value.message_dict
    assert error.value.message_dict["publish_at"] == ["A published article needs a publish time."]


@pytest.mark.django_db
def test_body_is_sanitised_on_save():
    article = factories.ArticleFactory(body='<p onclick="x()">Hi</p><script>alert(1)</script>')

    article.refresh_from_db()

    assert article.body == "<p>Hi</p>"


@pytest.mark.django_db
def test_first_published_time_is_kept_after_it_has_passed():
    published = NOW() - timedelta(days=2)
    article = factories.ArticleFactory(publish_at=published)
    assert article.first_published_at == published

    article.publish_at = NOW() - timedelta(hours=1)
    article.save()

    assert article.first_published_at == published


@pytest.mark.django_db
def test_updated_time_is_shown_only_when_later_than_publication():
    article = factories.ArticleFactory(publish_at=NOW() - timedelta(days=1))
    assert article.updated_at is None

    article.last_updated_at = NOW()

    assert article.updated_at == article.last_updated_at


def byline_parts(byline):
    """The printed byline of `byline`'s article, as the templates get it."""
    return display.byline_parts(Article.objects.for_detail().get(pk=byline.article_id).byline)


def rendered_byline(article):
    """The byline of `article` as a reader sees it, whitespace normalised."""
    article = Article.objects.for_detail().get(pk=article.pk)
    parts = display.byline_parts(article.byline)
    markup = render_to_string("articles/includes/byline.html", {"parts": parts})
    return " ".join(BeautifulSoup(markup, "html.parser").get_text().split())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([("A", "author")], "By A"),
        ([("A", "author"), ("AP", "contributor")], "By A with AP"),
        ([("A", "author"), ("B", "author")], "By A and B"),
        (
            [("A", "author"), ("B", "author"), ("C", "author"), ("Reuters", "contributor")],
            "By A, B and C with Reuters",
        ),
        ([("Reuters", "author")], "By Reuters"),
    ],
)
def test_byline_renders_from_ordered_rows(names, expected):
    article = factories.ArticleFactory()
    # Created in reverse so that only the position can put them in order.
    for position, (name, role) in reversed(list(enumerate(names))):
        if name in {"AP", "Reuters"}:
            agency = factories.AgencyFactory(name=f"{name} agency", short_name=name)
            Byline.objects.create(article=article, agency=agency, role=role, position=position)
        else:
            author = factories.AuthorFactory(name=name)
            Byline.objects.create(article=article, author=author, role=role, position=position)

    assert rendered_byline(article) == expected


@pytest.mark.django_db
def test_byline_links_authors_to_their_pages():
    byline = factories.BylineFactory(author__name="Angela Skujins", author__slug="angela-skujins")

    html = render_to_string(
        "articles/includes/byline.html",
        {
            "parts": display.byline_parts(
                Article.objects.for_detail().get(pk=byline.article_id).byline
            )
        },
    )

    assert '<a href="/authors/angela-skujins/" rel="author">Angela Skujins</a>' in html


@pytest.mark.django_db
def test_byline_links_agencies_to_their_pages():
    agency = factories.AgencyFactory(short_name="AP", slug="ap")
    byline = factories.BylineFactory(author=None, agency=agency)

    html = render_to_string(
        "articles/includes/byline.html",
        {
            "parts": display.byline_parts(
                Article.objects.for_detail().get(pk=byline.article_id).byline
            )
        },
    )

    assert '<a href="/agencies/ap/">AP</a>' in html


@pytest.mark.django_db
def test_byline_is_an_author_or_an_agency():
    article = factories.ArticleFactory()

    with pytest.raises(IntegrityError):
        Byline.objects.create(
            article=article, author=factories.AuthorFactory(), agency=factories.AgencyFactory()
        )


@pytest.mark.django_db
def test_author_appears_once_per_article():
    byline = factories.BylineFactory()
    duplicate = Byline(article=byline.article, author=byline.author, position=5)

    with pytest.raises(ValidationError, match="already in the byline"):
        duplicate.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "", "title": "Title"}, "An external link needs an address"),
        ({"url": "https://example.org/", "title": ""}, "An external link needs a title."),
    ],
)
def test_external_related_link_needs_url_and_title(fields, message):
    link = RelatedLink(article=factories.ArticleFactory(), **fields)

    with pytest.raises(ValidationError, match=message):
        link.full_clean()


@pytest.mark.django_db
def test_related_link_cannot_be_both_internal_and_external():
    with pytest.raises(IntegrityError):
        factories.RelatedLinkFactory(url="https://example.org/", title="Both")


@pytest.mark.django_db
def test_photo_credit_falls_back_to_photographer_and_copyright():
    photo = factories.PhotoFactory.build(
        credit_line="", creator="Evgeniy Maloletka", copyright_notice="Copyright 2024 The AP"
    )

    assert photo.credit == "Evgeniy Maloletka / Copyright 2024 The AP"
    photo.credit_line = "Photo: AP"
    assert photo.credit == "Photo: AP"


@pytest.mark.django_db
def test_photo_records_dimensions_and_content_hash():
    photo = factories.PhotoFactory(image=factories.image_upload(size=(120, 80)))

    assert (photo.width, photo.height) == (120, 80)
    assert len(photo.content_hash) == 64
    assert photo.image.name.startswith("photos/")
    assert "photo.jpg" not in photo.image.name


@pytest.mark.django_db
def test_lead_caption_prefers_the_articles_own():
    photo = factories.PhotoFactory(caption="Default caption")
    article = factories.ArticleFactory(lead_photo=photo)
    assert article.lead_caption == "Default caption"

    article.lead_photo_caption = "This article's caption"

    assert article.lead_caption == "This article's caption"


@pytest.mark.django_db
def test_description_falls_back_to_the_first_paragraph():
    article = factories.ArticleFactory(
        standfirst="", seo_description="", body="<h2>H</h2><p>Tom &amp; Jerry met.</p>"
    )

    assert article.description_for_search == "Tom & Jerry met."


@pytest.mark.django_db
def test_photo_is_stored_with_the_suffix_of_its_real_format():
    upload = factories.image_upload(name="really-a-png.jpg", image_format="PNG")

    photo = factories.PhotoFactory(image=upload)

    assert photo.image.name.endswith(".png")


@pytest.mark.django_db
def test_articles_without_publish_time_come_first():
    published = factories.ArticleFactory()
    draft = factories.ArticleFactory(draft=True)

    assert list(Article.objects.all()) == [draft, published]
