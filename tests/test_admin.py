from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.redirects.models import Redirect
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.models import Article, Byline, Photo, RelatedLink
from tests import factories

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def inline_data(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def article_form(
    section,
    *,
    bylines=(),
    links=(),
    corrections=(),
    byline_initial=0,
    link_initial=0,
    correction_initial=0,
    **fields,
):
    now = timezone.now() - timedelta(minutes=5)
    data = {
        "headline": "Ukraine will join NATO 'in the future'",
        "slug": "ukraine-nato",
        "standfirst": "Summary",
        "body": "<p>One</p><script>x</script><p>Two</p>",
        "section": str(section.pk),
        "tags": ["NATO", "Ukraine"],
        "article_type": "news",
        "sponsor": "",
        "dateline": "",
        "lead_photo": "",
        "lead_photo_caption": "",
        "status": "published",
        "publish_at_0": now.strftime("%Y-%m-%d"),
        "publish_at_1": now.strftime("%H:%M:%S"),
        "seo_title": "",
        "seo_description": "",
        **fields,
    }
    if "version" not in data:
        # A change form carries the version it was opened at: by default, the stored one of
        # the article with this slug (a current form); pass version= for a stale one.
        stored = Article.objects.filter(slug=data["slug"]).first()
        if stored is not None:
            data["version"] = revisions.version(stored)
    data.update(inline_data("bylines", bylines, byline_initial))
    data.update(inline_data("related_links", links, link_initial))
    data.update(inline_data("corrections", corrections, correction_initial))
    return data


def errors(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [" ".join(e.get_text().split()) for e in page.select(".errorlist li, .errornote")]


def test_add_and_change_pages_load_with_inlines(editor_client):
    article = factories.ArticleFactory()
    factories.BylineFactory(article=article)

    for url in (ADD_URL, change_url(article)):
        response = editor_client.get(url)
        page = BeautifulSoup(response.content, "html.parser")
        assert response.status_code == 200
        assert page.select_one("#id_bylines-TOTAL_FORMS")
        assert page.select_one("#id_related_links-TOTAL_FORMS")
        assert (
            page.select_one("select#id_bylines-0-author")["data-ajax--url"]
            == "/admin/autocomplete/"
        )


def test_editor_adds_article_with_bylines_and_related_links(editor_client):
    section = factories.SectionFactory()
    author, agency = (
        factories.AuthorFactory(name="Angela Skujins"),
        factories.AgencyFactory(short_name="AP"),
    )
    other = factories.ArticleFactory(headline="Other story")

    response = editor_client.post(
        ADD_URL,
        article_form(
            section,
            bylines=[
                {"position": "2", "agency": agency.pk, "role": "contributor"},
                {"position": "1", "author": author.pk, "role": "author"},
            ],
            links=[
                {"position": "", "url": "https://example.org/x", "title": "External"},
                {"position": "0", "target": other.pk},
            ],
        ),
    )

    assert response.status_code == 302, errors(response)
    article = Article.objects.for_detail().get(slug="ukraine-nato")
    assert article.body == "<p>One</p>\n<p>Two</p>"
    assert [(b.position, b.name, b.role) for b in article.bylines.all()] == [
        (0, "Angela Skujins", "author"),
        (1, "AP", "contributor"),
    ]
    assert [(link.position, link.display_title) for link in article.related_links.all()] == [
        (0, "Other story"),
        (1, "External"),
    ]
    assert sorted(t.name for t in article.tags.all()) == ["NATO", "Ukraine"]
    assert article.first_published_at == article.publish_at


def test_editor_reorders_bylines_by_swapping_positions(editor_client):
    article = factories.ArticleFactory(slug="ukraine-nato")
    first = factories.BylineFactory(article=article, position=0, author__name="First")
    second = factories.BylineFactory(article=article, position=1, author__name="Second")

    response = editor_client.post(
        change_url(article),
        article_form(
            article.section,
            bylines=[
                {
                    "id": first.pk,
                    "article": article.pk,
                    "position": "1",
                    "author": first.author_id,
                    "role": "author",
                },
                {
                    "id": second.pk,
                    "article": article.pk,
                    "position": "0",
                    "author": second.author_id,
                    "role": "author",
                },
            ],
            byline_initial=2,
        ),
    )

    assert response.status_code == 302, errors(response)
    assert [b.name for b in article.bylines.order_by("position")] == ["Second", "First"]


def test_editor_swaps_the_authors_of_two_byline_rows(editor_client):
    article = factories.ArticleFactory(slug="ukraine-nato")
    first = factories.BylineFactory(article=article, position=0, author__name="First")
    second = factories.BylineFactory(article=article, position=1, author__name="Second")
    rows = [(first, second.author_id), (second, first.author_id)]

    response = editor_client.post(
        change_url(article),
        article_form(
            article.section,
            bylines=[
                {"id": row.pk, "article": article.pk, "position": str(n), "author": author}
                | {"role": "author"}
                for n, (row, author) in enumerate(rows)
            ],
            byline_initial=2,
        ),
    )

    assert response.status_code == 302, errors(response)
    assert [b.name for b in article.bylines.order_by("position")] == ["Second", "First"]


@pytest.mark.parametrize("kind", ["author", "agency"])
def test_same_name_twice_in_a_byline_is_refused(editor_client, kind):
    person = (
        factories.AuthorFactory(name="Angela")
        if kind == "author"
        else factories.AgencyFactory(short_name="AP")
    )
    section = factories.SectionFactory()

    response = editor_client.post(
        ADD_URL,
        article_form(
            section,
            bylines=[
                {"position": "0", kind: person.pk, "role": "author"},
                {"position": "1", kind: person.pk, "role": "contributor"},
            ],
        ),
    )

    assert response.status_code == 200
    assert f"already in the byline. ({person})" in " ".join(errors(response))
    assert not Article.objects.exists()


def test_editor_deletes_a_related_link(editor_client):
    article = factories.ArticleFactory(slug="ukraine-nato")
    kept, removed = (
        factories.RelatedLinkFactory(article=article),
        factories.RelatedLinkFactory(article=article),
    )

    response = editor_client.post(
        change_url(article),
        article_form(
            article.section,
            links=[
                {"id": kept.pk, "article": article.pk, "position": "0", "target": kept.target_id},
                {
                    "id": removed.pk,
                    "article": article.pk,
                    "position": "1",
                    "target": removed.target_id,
                    "DELETE": "on",
                },
            ],
            link_initial=2,
        ),
    )

    assert response.status_code == 302, errors(response)
    assert [link.target for link in article.related_links.all()] == [kept.target]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"links": [{"position": "0", "title": "No address"}]},
            "An external link needs an address (or choose an article).",
        ),
        (
            {"links": [{"position": "0", "url": "https://example.org/"}]},
            "An external link needs a title.",
        ),
        ({"publish_at_0": "", "publish_at_1": ""}, "A published article needs a publish time."),
        ({"headline": ""}, "This field is required."),
        ({"slug": "taken"}, "Article with this Slug already exists."),
        (
            {"bylines": [{"position": "0", "role": "author"}]},
            "Choose an author or an agency, not both.",
        ),
    ],
    ids=[
        "link without url",
        "link without title",
        "no publish time",
        "no headline",
        "slug taken",
        "empty byline",
    ],
)
def test_invalid_article_is_refused_with_a_clear_message(editor_client, change, message):
    factories.ArticleFactory(slug="taken")
    section = factories.SectionFactory()
    count = Article.objects.count()

    response = editor_client.post(ADD_URL, article_form(section, **change))

    assert response.status_code == 200
    assert message in errors(response)
    assert Article.objects.count() == count
    assert not RelatedLink.objects.exists() and not Byline.objects.exists()


@pytest.mark.parametrize("query", ["bylines__author__id__exact=abc", "status=bogus"])
def test_changelist_with_a_malformed_filter_does_not_fail(editor_client, query):
    factories.ArticleFactory()

    response = editor_client.get(reverse("admin:articles_article_changelist") + "?" + query)

    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")


def test_renaming_an_unpublished_article_leaves_no_trace_of_its_new_slug(editor_client, client):
    draft = factories.ArticleFactory(draft=True, slug="acme-talks")

    response = editor_client.post(
        change_url(draft),
        article_form(
            draft.section,
            slug="acme-to-buy-globex",
            status="draft",
            version=revisions.version(draft),
        ),
    )

    assert response.status_code == 302, errors(response)
    assert not Redirect.objects.exists()
    assert client.get("/articles/acme-talks/").status_code == 404


def test_slug_change_keeps_the_old_address_working(editor_client, client):
    article = factories.ArticleFactory(slug="old-slug")

    response = editor_client.post(
        change_url(article),
        article_form(article.section, slug="new-slug", version=revisions.version(article)),
    )

    assert response.status_code == 302, errors(response)
    assert Redirect.objects.get().old_path == "/articles/old-slug/"
    reader = client.get("/articles/old-slug/")
    assert (reader.status_code, reader["Location"]) == (301, "/articles/new-slug/")


def test_publish_and_unpublish_actions(editor_client):
    draft = factories.ArticleFactory(draft=True)
    changelist = reverse("admin:articles_article_changelist")

    editor_client.post(changelist, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published

    editor_client.post(changelist, {"action": "unpublish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.UNPUBLISHED
    assert draft.first_published_at is not None


def test_publish_action_refuses_lead_photo_without_alt_text(editor_client):
    photo = factories.PhotoFactory(alt_text="")
    draft = factories.ArticleFactory(draft=True, lead_photo=photo, headline="No alt")

    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "“No alt” was not published: "
        "The lead photo has no alt text. Add it on the photo before publishing."
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_changelist_queries_do_not_grow_with_articles(
    editor_client, django_assert_num_queries, count
):
    for _ in range(count):
        factories.ArticleFactory(lead_photo=factories.PhotoFactory(), tags=["NATO"])
    url = reverse("admin:articles_article_changelist")

    # session, user, permissions, 2 counts, articles, date hierarchy, 3 filter lists
    with django_assert_num_queries(12):
        response = editor_client.get(url)

    assert (
        len(BeautifulSoup(response.content, "html.parser").select("#result_list tbody tr")) == count
    )


@pytest.mark.parametrize(
    "query",
    [
        "status=draft",
        "section__id__exact=1",
        "bylines__author__id__exact=1",
        "tags__id__exact=1",
        "q=Headline",
        "publish_at__year=2024",
    ],
)
def test_changelist_filters_and_search_work(editor_client, query):
    article = factories.ArticleFactory(tags=["NATO"])
    factories.BylineFactory(article=article)

    response = editor_client.get(reverse("admin:articles_article_changelist") + "?" + query)

    assert response.status_code == 200
    assert "?e=1" not in response.get("Location", "")


def test_changelist_shows_thumbnail_and_view_on_site(editor_client):
    article = factories.ArticleFactory(lead_photo=factories.PhotoFactory(), slug="seen")

    changelist = BeautifulSoup(
        editor_client.get(reverse("admin:articles_article_changelist")).content, "html.parser"
    )
    change = BeautifulSoup(editor_client.get(change_url(article)).content, "html.parser")

    assert changelist.select_one("#result_list img")["src"] == article.lead_photo.image.url
    assert change.select_one("a.viewsitelink")["href"] == "/articles/seen/"


@pytest.mark.parametrize("count", [1, 3])
def test_change_form_queries_do_not_grow_with_rows(editor_client, django_assert_num_queries, count):
    article = factories.ArticleFactory(lead_photo=factories.PhotoFactory(), tags=["NATO"])
    for position in range(count):
        factories.BylineFactory(article=article, position=position)
        factories.BylineFactory(
            article=article, author=None, agency=factories.AgencyFactory(), position=10 + position
        )
        factories.RelatedLinkFactory(article=article, position=position)
        factories.RelatedLinkFactory(
            article=article,
            target=None,
            url="https://example.org/",
            title="X",
            position=10 + position,
        )

    # session, user, article, permissions (2), tags, bylines, links, corrections, the section
    # and lead photo widgets; then Django's autocomplete widget looks up its chosen value, one
    # query for each row's author, agency or linked article. The rows' headings cost nothing.
    autocomplete_values = 3 * count
    with django_assert_num_queries(11 + autocomplete_values):
        response = editor_client.get(change_url(article))

    assert response.status_code == 200


def test_author_autocomplete_finds_by_name(editor_client):
    factories.AuthorFactory(name="Angela Skujins")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "angela", "app_label": "articles", "model_name": "byline", "field_name": "author"},
    )

    assert [r["text"] for r in response.json()["results"]] == ["Angela Skujins"]


def test_anonymous_and_unprivileged_users_are_kept_out(client):
    assert client.get(ADD_URL)["Location"].startswith("/admin/login/")
    client.force_login(factories.UserFactory(is_staff=True))

    assert client.get(ADD_URL).status_code == 403
    response = client.post(ADD_URL, article_form(factories.SectionFactory()))
    assert response.status_code == 403
    assert not Article.objects.exists()


PHOTO_ADD_URL = reverse("admin:articles_photo_add")


def photo_form(upload, **fields):
    return {
        "image": upload,
        "alt_text": "A lectern",
        "caption": "",
        "creator": "",
        "credit_line": "",
        "copyright_notice": "",
        "source": "",
        "taken_at_0": "",
        "taken_at_1": "",
        "focal_point_x": "",
        "focal_point_y": "",
        "external_id": "",
        **fields,
    }


def test_editor_uploads_a_photo(editor_client, editor):
    response = editor_client.post(PHOTO_ADD_URL, photo_form(factories.image_upload(size=(90, 60))))

    assert response.status_code == 302, errors(response)
    photo = Photo.objects.get()
    assert (photo.width, photo.height, photo.uploaded_by) == (90, 60, editor)


def decompression_bomb_png():
    """A tiny PNG file that claims to be 20000 x 20000 pixels."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 20001 * 10)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"just some text", "not a readable image"),
        ("cut.jpg", factories.image_bytes(size=(400, 300))[:300], "not a readable image"),
        ("bomb.png", decompression_bomb_png(), "the limit of 50 million pixels"),
    ],
    ids=["text named .jpg", "truncated JPEG", "decompression bomb"],
)
def test_bad_photo_upload_is_refused(editor_client, settings, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.NEWSROOM_PHOTO_MAX_PIXELS = 50_000_000

    response = editor_client.post(PHOTO_ADD_URL, photo_form(SimpleUploadedFile(name, content)))

    assert response.status_code == 200
    assert any(message in error for error in errors(response)), errors(response)
    assert not Photo.objects.exists()


def test_photo_over_the_size_limit_is_refused(editor_client, settings):
    settings.NEWSROOM_PHOTO_MAX_BYTES = 100

    response = editor_client.post(PHOTO_ADD_URL, photo_form(factories.image_upload()))

    assert any("the limit is 100" in error for error in errors(response)), errors(response)
    assert not Photo.objects.exists()


def test_article_cannot_link_to_itself(editor_client):
    article = factories.ArticleFactory(slug="ukraine-nato")

    response = editor_client.post(
        change_url(article),
        article_form(article.section, links=[{"position": "0", "target": article.pk}]),
    )

    assert response.status_code == 200
    assert "An article cannot link to itself." in errors(response)
    assert not RelatedLink.objects.exists()


def test_body_editor_offers_only_what_the_sanitiser_keeps():
    from django_prose_editor.config import allowlist_from_extensions

    from articles import html
    from articles.admin.article_forms import BODY_EDITOR

    allowed = allowlist_from_extensions(BODY_EDITOR["extensions"])

    # Elements the editor can make are all kept; the few attributes it may add beyond ours
    # (an ordered list's start and type) are dropped by the sanitiser on save.
    assert set(allowed["tags"]) <= html.ALLOWED_TAGS


def test_change_form_body_is_a_rich_text_editor_and_the_server_still_sanitises(
    editor_client,
):
    section = factories.SectionFactory()
    page = BeautifulSoup(editor_client.get(ADD_URL).content, "html.parser")
    body = page.select_one("textarea[name=body]")
    assert "data-django-prose-editor-configurable" in body.attrs

    # Whatever a browser sends, only the allowed elements are stored.
    response = editor_client.post(
        ADD_URL,
        article_form(section, body='<p onclick="x()">Hi<img src=x onerror=alert(1)></p>'),
    )

    assert response.status_code == 302, errors(response)
    assert Article.objects.get(slug="ukraine-nato").body == "<p>Hi</p>"


def test_change_form_counts_characters_against_recommended_lengths(editor_client):
    page = BeautifulSoup(editor_client.get(ADD_URL).content, "html.parser")

    lengths = {
        name: page.select_one(f"[name={name}]").get("data-recommended-length")
        for name in ("headline", "standfirst", "seo_title", "seo_description")
    }

    assert lengths == {
        "headline": "110",
        "standfirst": "250",
        "seo_title": "60",
        "seo_description": "160",
    }
    assert page.find("script", src=lambda src: src and src.endswith("articles/admin.js"))


def test_substantive_change_box_is_offered_only_where_it_can_apply(editor_client):
    article = factories.ArticleFactory()

    add_page = BeautifulSoup(editor_client.get(ADD_URL).content, "html.parser")
    change_page = BeautifulSoup(editor_client.get(change_url(article)).content, "html.parser")

    assert add_page.select(".field-substantive_change") == []
    assert change_page.select_one("input[name=substantive_change]")


def test_read_only_article_page_shows_no_substantive_change_box(client):
    reporter = factories.ReporterFactory()
    article = factories.ArticleFactory(status=Article.Status.IN_REVIEW, publish_at=None)
    client.force_login(reporter)

    page = BeautifulSoup(client.get(change_url(article)).content, "html.parser")

    assert page.select_one(".field-headline .readonly")  # the reporter may only read it
    assert page.select(".field-substantive_change") == []
