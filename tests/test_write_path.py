"""
One write path: every door (admin form, list action, import, restore, shell) writes through
the services, and what follows a committed change (revision, audit entry, fresh pages) happens
once, after the commit, the same way whatever the door.
"""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from articles import services
from articles.caching import versions
from articles.models import Article, ArticleRevision, Byline
from articles.services import events
from newsroom.audit.models import AuditEntry
from tests import factories
from tests.test_admin import article_form, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def announcements():
    """Every announcement made while the test runs, as lists of changes."""
    heard = []
    events.subscribe(heard.append)
    yield heard
    events._subscribers.remove(heard.append)


@pytest.fixture
def story():
    article = factories.ArticleFactory(headline="Before", slug="the-story")
    factories.BylineFactory(article=article, author__name="Angela Skujins")
    return article


def trail(article):
    """(revision summaries, audit entries as (action, door, user)) for `article`, oldest first."""
    revisions = list(
        ArticleRevision.objects.filter(article=article)
        .order_by("created_at", "pk")
        .values_list("summary", "created_by__username")
    )
    entries = list(
        AuditEntry.objects.filter(object_id=str(article.pk), content_type__model="article")
        .order_by("at", "pk")
        .values_list("action", "door", "username")
    )
    return revisions, entries


def reader_sees(article):
    """The headline an anonymous reader gets for `article` (through the page cache)."""
    response = Client().get(article.get_absolute_url())
    return response.status_code, response.content.decode()


# The doors: each changes the headline of `story` to "After" as `editor` (or the system).


def door_form(story, editor, client, committed, tmp_path):
    client.force_login(editor)
    form = article_form(
        story.section,
        headline="After",
        slug=story.slug,
        bylines=[{"author": str(story.bylines.get().author_id), "role": "author"}],
    )
    response = client.post(change_url(story), form)
    assert response.status_code == 302, response.content
    return "admin", editor.username


def door_action(story, editor, client, committed, tmp_path):
    # A list action changes status, so the "headline" here goes through the shell first.
    with committed():
        story.headline = "After"
        services.article_save(article=story, user=editor)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [story.pk]},
    )
    assert response.status_code == 302
    return "admin_action", editor.username


def door_import(story, editor, client, committed, tmp_path):
    path = tmp_path / "wire.json"
    author = story.bylines.get().author
    path.write_text(
        json.dumps(
            {
                "articles": [
                    {
                        "slug": story.slug,
                        "headline": "After",
                        "section": story.section.slug,
                        "body": story.body,
                        "standfirst": story.standfirst,
                        "status": story.status,
                        "publish_at": story.publish_at.isoformat(),
                        "bylines": [{"author": author.slug}],
                    }
                ]
            }
        )
    )
    with committed():
        call_command("import_articles", str(path), "--as", editor.username)
    return "import", editor.username


def door_restore(story, editor, client, committed, tmp_path):
    with committed():
        story.headline = "After"
        services.article_save(article=story, user=editor)
    after = story.revisions.order_by("-created_at", "-pk").first()
    with committed():
        story.headline = "Before"
        services.article_save(article=story, user=editor)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_revision_restore", args=[story.pk, after.pk])
    )
    assert response.status_code == 302
    return "restore", editor.username


DOORS = {
    "admin form": door_form,
    "list action": door_action,
    "import": door_import,
    "restore": door_restore,
}


@pytest.mark.parametrize("door", DOORS)
def test_every_door_keeps_a_revision_an_audit_entry_and_fresh_pages(
    door, story, editor, client, committed, tmp_path, announcements
):
    assert "Before" in reader_sees(story)[1]  # now cached for readers
    revisions_before, entries_before = trail(story)

    door_name, username = DOORS[door](story, editor, client, committed, tmp_path)

    revisions_after, entries_after = trail(story)
    new_revisions = revisions_after[len(revisions_before) :]
    new_entries = entries_after[len(entries_before) :]
    # The door's own change is the last: one revision by its user, one audit entry naming the
    # door and the user, and one announcement for the transaction.
    assert new_revisions[-1][1] == username
    assert new_entries[-1][1:] == (door_name, username)
    assert sum(1 for _, door_of, _ in new_entries if door_of == door_name) == 1
    assert [c.door for c in announcements[-1] if c.model is Article] == [door_name]
    status, page = reader_sees(story)
    if door == "list action":
        assert status == 404  # unpublished: the cached page went stale with it
    else:
        assert status == 200 and "After" in page and "Before" not in page


def test_import_keeps_a_revision_saying_so_and_an_unchanged_import_keeps_none(
    story, tmp_path, committed
):
    door_import(story, factories.EditorFactory(), None, committed, tmp_path)
    imported = story.revisions.order_by("-created_at", "-pk").first()
    assert imported.summary.startswith("Imported from wire.json: ")
    count = story.revisions.count()

    with committed():
        call_command("import_articles", str(tmp_path / "wire.json"))

    assert story.revisions.count() == count
    assert AuditEntry.objects.filter(door="import").count() == 1


def test_bulk_publish_writes_an_audit_entry_for_each_article(editor_client, committed):
    drafts = factories.ArticleFactory.create_batch(3, draft=True)

    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]},
    )

    entries = AuditEntry.objects.filter(action="publish", door="admin_action")
    assert sorted(int(e.object_id) for e in entries) == sorted(a.pk for a in drafts)
    assert ArticleRevision.objects.filter(article__in=drafts).count() == 3


# The announcement itself.


def test_a_transaction_announces_its_changes_once_after_commit(story, committed, announcements):
    with committed(), transaction.atomic():
        story.headline = "One"
        services.article_save(article=story)
        story.headline = "Two"
        services.article_save(article=story)
        assert announcements == []  # nothing before the commit

    assert len(announcements) == 1
    assert [c.action for c in announcements[0]] == ["change", "change"]
    assert story.revisions.count() == 1  # one revision for the transaction


def test_a_rolled_back_savepoint_announces_nothing_of_what_it_undid(
    story, committed, announcements
):
    other = factories.ArticleFactory(headline="Other")
    with committed():
        story.headline = "Kept"
        services.article_save(article=story)
        try:
            with transaction.atomic():
                other.headline = "Undone"
                services.article_save(article=other)
                raise RuntimeError("the editor's second change fails")
        except RuntimeError:
            pass

    assert [(c.pk, c.action) for c in announcements[0]] == [(story.pk, "change")]
    assert not other.revisions.exists()


def test_a_rolled_back_transaction_announces_nothing(story, committed, announcements):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        story.headline = "Undone"
        services.article_save(article=story)
        raise RuntimeError

    assert announcements == []
    assert not AuditEntry.objects.filter(content_type__model="article").exists()


def test_one_failing_subscriber_does_not_keep_the_change_from_the_others(
    story, committed, settings, caplog
):
    settings.NEWSROOM_EVENTS_RAISE = False

    def broken(changes):
        raise RuntimeError("search index unreachable")

    events._subscribers.insert(0, broken)
    try:
        built_at = versions.clock()
        with committed():
            story.headline = "After"
            services.article_save(article=story)
    finally:
        events._subscribers.remove(broken)

    assert "search index unreachable" in caplog.text
    assert story.revisions.count() == 1
    assert not versions.fresh([f"a{story.pk}"], built_at)[0]


@pytest.mark.django_db(transaction=True)
def test_a_change_outside_a_transaction_is_announced_at_once(announcements):
    section = factories.SectionFactory()

    services.content_save(instance=section, fields=["name"])

    assert [(c.model, c.pk, c.door) for c in announcements[-1]] == [
        (type(section), section.pk, "shell")
    ]


# Rules live in the service: doors may not go around them.


def test_the_service_refuses_what_the_form_would_refuse(story):
    reporter = factories.ReporterFactory()
    story.headline = "Changed by a reporter"

    with pytest.raises(PermissionDenied):
        services.article_save(article=story, user=reporter)

    story.refresh_from_db()
    assert story.headline == "Before"


def test_the_service_refuses_an_invalid_row_and_writes_nothing(story):
    story.headline = "Changed"
    with pytest.raises(ValidationError):
        services.article_save(article=story, bylines=[Byline()])

    story.refresh_from_db()
    assert (story.headline, story.bylines.count()) == ("Before", 1)


# Write-side query counts: a fixed number, whatever the number of rows or articles.

# Each includes the three that find the lists a changed article is in (articles.caching.keys),
# and the five of the search index's task, which the suite's task backend runs at once.
CHANGE_FORM_SAVE_QUERIES = 54
BULK_PUBLISH_QUERIES = 35


@pytest.mark.parametrize("count", [1, 3])
def test_change_form_save_queries_do_not_grow_with_inline_rows(
    editor_client, django_assert_num_queries, count
):
    article = factories.ArticleFactory(slug="ukraine-nato")
    authors = factories.AuthorFactory.create_batch(count)
    targets = factories.ArticleFactory.create_batch(count)
    for position, author in enumerate(authors):
        factories.BylineFactory(article=article, author=author, position=position)
    form = article_form(
        article.section,
        bylines=[
            {"author": str(a.pk), "role": "author", "position": str(i)}
            for i, a in enumerate(authors)
        ],
        links=[{"target": str(t.pk), "position": str(i)} for i, t in enumerate(targets)],
        headline="Changed",
    )

    ContentType.objects.clear_cache()  # the same start for every case

    with django_assert_num_queries(CHANGE_FORM_SAVE_QUERIES):
        response = editor_client.post(change_url(article), form)

    assert response.status_code == 302
    assert [b.author for b in article.bylines.all()] == authors


@pytest.mark.parametrize("count", [1, 30])
def test_bulk_publish_queries_do_not_grow_with_articles(
    editor_client, django_assert_num_queries, count
):
    drafts = factories.ArticleFactory.create_batch(count, draft=True)
    data = {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]}

    ContentType.objects.clear_cache()

    with django_assert_num_queries(BULK_PUBLISH_QUERIES):
        editor_client.post(reverse("admin:articles_article_changelist"), data)

    assert Article.objects.published().count() == count


def test_deleting_a_photo_or_an_article_in_the_admin_is_audited(editor_client, editor):
    photo = factories.PhotoFactory(caption="Unused photo")
    article = factories.ArticleFactory(headline="Deleted story")

    editor_client.post(reverse("admin:articles_photo_delete", args=[photo.pk]), {"post": "yes"})
    editor_client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})

    deleted = AuditEntry.objects.filter(action="delete").order_by("at", "pk")
    assert [(e.content_type.model, e.object_repr, e.username) for e in deleted] == [
        ("photo", "Unused photo", editor.username),
        ("article", "Deleted story", editor.username),
    ]
    assert not Article.objects.filter(pk=article.pk).exists()


def test_a_reporter_cannot_delete_through_the_service_either(story):
    with pytest.raises(PermissionDenied):
        services.article_delete(article=story, user=factories.ReporterFactory())

    assert Article.objects.filter(pk=story.pk).exists()


def test_a_tag_longer_than_its_column_is_refused_whatever_the_door():
    article = factories.ArticleFactory(slug="tagged")

    with pytest.raises(ValidationError) as refused:
        services.article_save(article=article, tags=["x" * 101])

    assert "at most 100 characters" in " ".join(refused.value.message_dict["tags"])
    assert list(Article.objects.get(slug="tagged").tags.all()) == []
