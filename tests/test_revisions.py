import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles import revisions, services
from articles.models import Article, ArticleRevision, Author, Byline, RelatedLink
from tests import factories
from tests.test_admin import article_form, change_url, errors

pytestmark = pytest.mark.django_db


def revisions_url(article):
    return reverse("admin:articles_article_revisions", args=[article.pk])


def compare_url(article, old, new):
    url = reverse("admin:articles_article_revisions_compare", args=[article.pk])
    return f"{url}?old={old.pk}&new={new.pk}"


def restore_url(revision):
    return reverse(
        "admin:articles_article_revision_restore", args=[revision.article_id, revision.pk]
    )


def form_version(client, article):
    """The version a change form carries, as the editor's browser received it."""
    page = BeautifulSoup(client.get(change_url(article)).content, "html.parser")
    return page.select_one("input[type=hidden][name=version]")["value"]


def post_change(client, article, **fields):
    """Post `article`'s change form filled in with `fields` over the usual test values."""
    # Its own publish time, so that saves seconds apart do not change it.
    publish_at = timezone.localtime(article.publish_at)
    fields = {
        "slug": article.slug,
        "publish_at_0": publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": publish_at.strftime("%H:%M:%S"),
        **fields,
    }
    return client.post(change_url(article), article_form(article.section, **fields))


def full_article(**fields):
    """An article using everything a revision keeps, with a revision of it taken."""
    article = factories.ArticleFactory(
        headline="Old headline",
        standfirst="Old standfirst.",
        body="<p>First paragraph.</p><p>Second paragraph.</p>",
        section=factories.SectionFactory(slug="world", name="World"),
        lead_photo=factories.PhotoFactory(),
        lead_photo_caption="Old caption",
        seo_title="Old SEO title",
        seo_description="Old SEO description",
        tags=["Ukraine", "NATO"],
        **fields,
    )
    services.article_save(
        article=article,
        bylines=[
            Byline(author=factories.AuthorFactory(name="Angela Skujins"), role="author"),
            Byline(agency=factories.AgencyFactory(short_name="AP"), role="contributor"),
        ],
        related_links=[
            RelatedLink(url="https://example.org/report", title="The report"),
            RelatedLink(target=factories.ArticleFactory(headline="Earlier story")),
        ],
    )
    return article


def revised_article(user, *, bylines=()):
    """A full article, a revision of it, then a new headline (and bylines): (article, revision)."""
    article = full_article()
    revision = services.article_revision_save(article=article, user=user)
    article.headline = "Newer headline"
    services.article_save(article=article, bylines=list(bylines) or None)
    return article, revision


def test_every_admin_save_of_a_current_form_keeps_a_revision_with_its_editor(editor_client, editor):
    article = full_article()
    author = Byline.objects.filter(article=article, author__isnull=False).get().author

    for headline in ("First save", "Second save"):
        response = post_change(
            editor_client,
            article,
            headline=headline,
            bylines=[{"position": "0", "author": author.pk, "role": "author"}],
            # Each save opens the form anew: the version of the save before is current.
            version=form_version(editor_client, article),
        )
        assert response.status_code == 302, errors(response)

    first, second = article.revisions.order_by("created_at", "pk")
    assert (first.created_by, first.summary) == (editor, "First recorded version")
    assert (second.created_by, second.summary) == (editor, "Changed headline")
    assert second.data["headline"] == "Second save"
    assert Article.objects.get(pk=article.pk).headline == "Second save"
    assert second.data["bylines"] == [
        {"author": {"id": author.pk, "name": "Angela Skujins"}, "role": "author"}
    ]


def test_publish_action_keeps_a_revision(editor_client, editor):
    draft = factories.ArticleFactory(draft=True)
    services.article_revision_save(article=draft, user=None)

    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )

    latest = draft.revisions.first()
    assert latest.created_by == editor
    assert latest.summary == "Changed status, publish time and first published"
    assert latest.data["status"] == Article.Status.PUBLISHED


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (None, {"headline": "A"}, "First recorded version"),
        ({"headline": "A"}, {"headline": "A"}, "No changes"),
        ({"headline": "A"}, {"headline": "B"}, "Changed headline"),
        (
            {"headline": "A", "body": "x", "bylines": []},
            {"headline": "B", "body": "y", "bylines": [{"agency": {"id": 1}}]},
            "Changed headline, body and bylines",
        ),
    ],
)
def test_summary_names_what_changed(old, new, expected):
    assert revisions.summary(old, new) == expected


def test_restore_brings_back_every_field_and_inline_but_not_the_status(editor_client, editor):
    article = full_article(slug="old-slug")
    old = services.article_revision_save(article=article, user=editor)
    # Another editor rewrites everything, and takes the article down.
    other_section = factories.SectionFactory(slug="sport", name="Sport")
    response = editor_client.post(
        change_url(article),
        article_form(
            other_section,
            headline="New headline",
            slug="new-slug",
            standfirst="New standfirst.",
            body="<p>First paragraph, rewritten.</p>",
            tags="Football",
            lead_photo_caption="",
            seo_title="New SEO title",
            seo_description="",
            status="unpublished",
            bylines=[
                {
                    "position": "0",
                    "author": factories.AuthorFactory(name="B. Other").pk,
                    "role": "author",
                },
            ],
            links=[{"position": "0", "url": "https://example.com/", "title": "Elsewhere"}],
            version=form_version(editor_client, article),
        ),
    )
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    taken_down = revisions.snapshot(article)
    assert taken_down["lead_photo"] is None

    response = editor_client.post(restore_url(old))

    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    article = Article.objects.get(pk=article.pk)
    restored = revisions.snapshot(article)
    assert restored == {
        **old.data,
        "status": "unpublished",
        "publish_at": taken_down["publish_at"],
        "first_published_at": taken_down["first_published_at"],
        "last_updated_at": taken_down["last_updated_at"],
    }
    # Spelled out, so a snapshot missing a field cannot make the comparison above pass.
    assert (article.headline, article.slug, article.standfirst) == (
        "Old headline",
        "old-slug",
        "Old standfirst.",
    )
    assert article.body == "<p>First paragraph.</p>\n<p>Second paragraph.</p>"
    assert article.section.name == "World"
    assert sorted(article.tags.names()) == ["NATO", "Ukraine"]
    assert article.lead_photo_id == old.data["lead_photo"]["id"]
    assert article.lead_photo_caption == "Old caption"
    assert (article.seo_title, article.seo_description) == ("Old SEO title", "Old SEO description")
    assert [(b.position, b.name, b.role) for b in article.bylines.all()] == [
        (0, "Angela Skujins", "author"),
        (1, "AP", "contributor"),
    ]
    assert [(link.position, link.display_title) for link in article.related_links.all()] == [
        (0, "The report"),
        (1, "Earlier story"),
    ]
    assert article.status == Article.Status.UNPUBLISHED
    latest = article.revisions.first()
    assert latest.created_by == editor
    assert latest.summary.startswith(
        f"Restored the version of {revisions.local_time(old.created_at)}: changed headline, slug"
    )
    assert article.revisions.count() == 3


def test_diff_view_shows_a_changed_headline_and_byline(editor_client, editor):
    article, old = revised_article(
        editor, bylines=[Byline(author=factories.AuthorFactory(name="Maria Other"))]
    )
    new = services.article_revision_save(article=article, user=editor)

    response = editor_client.get(compare_url(article, new, old))

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    rows = {
        row.th.get_text(strip=True): row.td for row in page.select("table.revision-diff tbody tr")
    }
    assert list(rows) == ["Headline", "Bylines"]
    headline = rows["Headline"]
    assert [e.get_text() for e in headline.select("del, ins")] == ["Old", "Newer"]
    assert headline.get_text() == "OldNewer headline"
    bylines = rows["Bylines"]
    assert bylines.get_text() == "By Angela SkujinsMaria Otherwith AP (agency)"
    assert [(e.name, e.get_text()) for e in bylines.select("del, ins")] == [
        ("del", "Angela Skujins"),
        ("ins", "Maria Other"),
        ("del", "with AP (agency)"),
    ]


def test_body_diff_marks_changed_words_and_folds_unchanged_blocks():
    paragraphs = [f"<p>Paragraph {n}.</p>" for n in range(6)]
    changed = [*paragraphs[:5], "<p>Paragraph five, longer.</p>"]

    (change,) = revisions.diff({"body": "".join(paragraphs)}, {"body": "".join(changed)})

    page = BeautifulSoup(change.html, "html.parser")
    lines = [(div["class"][0], div.get_text()) for div in page.find_all("div")]
    assert lines == [
        ("revision-diff-unchanged", "<p>Paragraph 0.</p>"),
        ("revision-diff-folded", "… 3 unchanged …"),
        ("revision-diff-unchanged", "<p>Paragraph 4.</p>"),
        ("revision-diff-changed", "<p>Paragraph 5.five, longer.</p>"),
    ]
    assert [e.get_text() for e in page.select("del, ins")] == ["5.", "five, longer."]


def test_restore_by_get_only_asks_for_confirmation(editor_client, editor):
    article, old = revised_article(editor)

    response = editor_client.get(restore_url(old))

    page = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert page.select_one("form[method=post] input[name=csrfmiddlewaretoken]")
    assert "status and publish times stay as they are now" in page.get_text()
    assert [e.get_text() for e in page.select(".revision-diff ins")] == ["Old"]
    assert Article.objects.get(pk=article.pk).headline == "Newer headline"
    assert article.revisions.count() == 1


def test_restore_needs_change_permission(client, editor):
    article, old = revised_article(editor)
    viewer = factories.UserFactory(is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_article"))
    client.force_login(viewer)

    history = client.get(revisions_url(article))
    change_page = client.get(change_url(article))
    refused = [client.get(restore_url(old)), client.post(restore_url(old))]

    assert (history.status_code, change_page.status_code) == (200, 200)
    assert BeautifulSoup(change_page.content, "html.parser").select_one(
        f".object-tools a[href='{revisions_url(article)}']"
    )
    assert not BeautifulSoup(history.content, "html.parser").select("a.button")
    assert [response.status_code for response in refused] == [403, 403]
    assert Article.objects.get(pk=article.pk).headline == "Newer headline"
    assert article.revisions.count() == 1


def test_restoring_a_byline_whose_author_was_deleted_writes_nothing(editor_client, editor):
    article, old = revised_article(
        editor, bylines=[Byline(author=factories.AuthorFactory(name="Maria Other"))]
    )
    Author.objects.get(pk=old.data["bylines"][0]["author"]["id"]).delete()

    response = editor_client.post(restore_url(old))

    assert response.status_code == 200
    assert errors(response)[1:] == ["The author “Angela Skujins” in the byline no longer exists."]
    article = Article.objects.get(pk=article.pk)
    assert article.headline == "Newer headline"
    assert [b.name for b in article.bylines.all()] == ["Maria Other"]
    assert article.revisions.count() == 1


def test_stale_save_is_refused_and_keeps_what_both_editors_wrote(editor_client, client):
    article = full_article()
    opened = form_version(editor_client, article)
    other = factories.EditorFactory(first_name="Maria", last_name="Other")
    client.force_login(other)
    theirs = post_change(
        client, article, headline="Their headline", version=form_version(client, article)
    )
    assert theirs.status_code == 302, errors(theirs)
    their_revision = article.revisions.get()
    author = factories.AuthorFactory(name="Typed Author")

    response = post_change(
        editor_client,
        article,
        headline="My headline",
        body="<p>Everything I typed.</p>",
        bylines=[{"position": "0", "author": author.pk, "role": "author"}],
        version=opened,
    )

    assert response.status_code == 200
    assert errors(response)[1:] == [
        "Someone else saved this article since you opened it: Maria Other at "
        f"{revisions.local_time(their_revision.created_at)}. Your changes are below and have "
        "not been saved; copy what you need, then reload the article."
    ]
    assert re.search(r" at \d+ \w{3} \d{4}, \d\d:\d\d\. Your changes", errors(response)[1])
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("input[name=headline]")["value"] == "My headline"
    # A newline after <textarea> is part of the markup, not of the text (browsers drop it).
    assert page.select_one("textarea[name=body]").get_text() == "\n<p>Everything I typed.</p>"
    assert page.select_one("select[name=bylines-0-author] option[selected]")["value"] == str(
        author.pk
    )
    article = Article.objects.get(pk=article.pk)
    assert article.headline == "Their headline"
    assert article.revisions.count() == 1


def test_change_form_links_to_the_revisions(editor_client):
    article = factories.ArticleFactory()

    page = BeautifulSoup(editor_client.get(change_url(article)).content, "html.parser")

    assert page.select_one(".object-tools a[href$='/revisions/']")["href"] == revisions_url(article)


@pytest.mark.parametrize("count", [1, 3])
def test_history_page_queries_do_not_grow_with_revisions(
    editor_client, editor, django_assert_num_queries, count
):
    article = factories.ArticleFactory()
    for minutes in range(count):
        revision = services.article_revision_save(article=article, user=editor)
        ArticleRevision.objects.filter(pk=revision.pk).update(
            created_at=timezone.now() - timedelta(minutes=count - minutes)
        )

    # session, user, article, the user's and their groups' permissions, revisions with editors
    with django_assert_num_queries(6):
        response = editor_client.get(revisions_url(article))

    page = BeautifulSoup(response.content, "html.parser")
    assert len(page.select("#revision-list tbody tr")) == count
