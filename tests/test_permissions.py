"""
The roles (Reporter, Editor, Administrator) on every action of the workflow, through every
door: the admin form, its actions, the services, the import command; forged requests included.
"""

import contextlib
import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse
from django.utils import timezone

from articles import permissions, services
from articles.models import Article, Photo
from tests import factories
from tests.test_admin import ADD_URL, PHOTO_ADD_URL, article_form, change_url, errors, photo_form

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ROLES = ["Reporter", "Editor", "Administrator"]
ARTICLE_CONTENT = ["article", "byline", "relatedlink"]


def codenames(app, models, actions=("add", "change", "delete", "view")):
    return {f"{app}.{action}_{model}" for model in models for action in actions}


REPORTER_PERMISSIONS = (
    {"articles.add_article", "articles.change_article", "articles.view_article"}
    | codenames("articles", ["byline", "relatedlink"])
    | codenames("articles", ["photo"], ["add", "change", "view"])
    | codenames("articles", ["section", "author", "agency", "correction"], ["view"])
    | {"articles.view_articlerevision", "taggit.add_tag", "taggit.view_tag"}
    # Live blogs: reporters post updates and correct them; editors also take them down.
    | codenames("articles", ["liveentry"], ["add", "change", "view"])
    | {"articles.view_liveentryrevision"}
)
# The audit log and the background tasks: read by those who run the newsroom, changed by nobody.
OVERSIGHT_PERMISSIONS = {"audit.view_auditentry", "django_tasks_database.view_dbtaskresult"}
EDITOR_PERMISSIONS = (
    codenames("articles", [*ARTICLE_CONTENT, "photo", "section", "author", "agency"])
    | {"articles.publish_article", "articles.view_articlerevision"}
    | {"articles.add_correction", "articles.view_correction"}
    # Fronts: an arrangement is made, read, or called off before it takes effect; its pinned
    # stories are made with it.
    | codenames("articles", ["frontarrangement"], ["add", "view", "delete"])
    | codenames("articles", ["frontslot"], ["add", "view"])
    | codenames("articles", ["liveentry"])
    | {"articles.view_liveentryrevision"}
    | codenames("articles", ["banner"], ["add", "view"])
    | codenames("taggit", ["tag", "taggeditem"])
    | codenames("redirects", ["redirect"])
    | OVERSIGHT_PERMISSIONS
)
ARTICLES_MODELS = [
    *ARTICLE_CONTENT,
    "photo",
    "section",
    "author",
    "agency",
    "correction",
    "articlerevision",
    "frontarrangement",
    "frontslot",
    "liveentry",
    "liveentryrevision",
    "banner",
]
ADMINISTRATOR_PERMISSIONS = (
    codenames("articles", ARTICLES_MODELS)
    | {"articles.publish_article"}
    | codenames("taggit", ["tag", "taggeditem"])
    | codenames("redirects", ["redirect"])
    | codenames("sites", ["site"])
    | codenames("auth", ["user", "group"])
    # News partners and their API keys (newsroom.partners).
    | codenames("partners", ["partner"])
    | OVERSIGHT_PERMISSIONS
)


def group_permissions(name):
    return {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(group__name=name).values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("Reporter", REPORTER_PERMISSIONS),
        ("Editor", EDITOR_PERMISSIONS),
        ("Administrator", ADMINISTRATOR_PERMISSIONS),
    ],
)
def test_migration_made_each_role_with_exactly_its_permissions(role, expected):
    assert group_permissions(role) == expected


def test_administrator_has_every_permission_of_the_content_apps():
    content = Permission.objects.filter(
        content_type__app_label__in=["articles", "taggit", "redirects", "sites"]
    )

    assert {f"{p.content_type.app_label}.{p.codename}" for p in content} <= group_permissions(
        "Administrator"
    )
    assert not {"auth.add_permission", "sessions.view_session"} & group_permissions("Administrator")


def test_roles_are_made_again_after_a_flush_but_never_reset():
    Group.objects.filter(name="Reporter").delete()
    Group.objects.get(name="Editor").permissions.clear()

    # What `flush` sends once it has emptied the tables.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert group_permissions("Reporter") == REPORTER_PERMISSIONS
    assert group_permissions("Editor") == set()


# The role × action table. Each action is tried by a logged-in member of the role and reports
# whether it took effect; the expected outcomes are the rules.


def user_in(role):
    return factories.EditorFactory(role=role)


def own_draft(user, **fields):
    return factories.ArticleFactory(draft=True, created_by=user, slug="ukraine-nato", **fields)


def others_draft():
    return factories.ArticleFactory(
        draft=True, created_by=factories.ReporterFactory(), slug="ukraine-nato"
    )


def post_article(client, article, **fields):
    url = change_url(article) if article else ADD_URL
    return client.post(url, article_form(factories.SectionFactory(), **fields))


def add(client, user):
    post_article(client, None, status="draft", publish_at_0="", publish_at_1="")
    return Article.objects.filter(slug="ukraine-nato", created_by=user).exists()


def change_own_draft(client, user):
    article = own_draft(user)
    post_article(client, article, headline="Changed", status="draft")
    article.refresh_from_db()
    return article.headline == "Changed"


def change_others_draft(client, user):
    article = others_draft()
    post_article(client, article, headline="Changed", status="draft")
    article.refresh_from_db()
    return article.headline == "Changed"


def change_own_article_in_review(client, user):
    article = own_draft(user, status=Article.Status.IN_REVIEW)
    post_article(client, article, headline="Changed", status="review")
    article.refresh_from_db()
    return article.headline == "Changed"


def submit_for_review(client, user):
    article = own_draft(user)
    post_article(client, article, status="review")
    article.refresh_from_db()
    return article.status == Article.Status.IN_REVIEW


def publish_via_form(client, user):
    article = own_draft(user)
    post_article(client, article, status="published")
    article.refresh_from_db()
    return article.is_published


def publish_via_action(client, user):
    article = factories.ArticleFactory(draft=True, status=Article.Status.IN_REVIEW)
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    return article.is_published


def schedule(client, user):
    article = own_draft(user)
    later = timezone.now() + timedelta(days=1)
    post_article(
        client,
        article,
        status="published",
        publish_at_0=later.strftime("%Y-%m-%d"),
        publish_at_1=later.strftime("%H:%M:%S"),
    )
    article.refresh_from_db()
    return article.is_scheduled


def unpublish_via_action(client, user):
    article = factories.ArticleFactory()
    client.post(CHANGELIST, {"action": "unpublish_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    return article.status == Article.Status.UNPUBLISHED


def unpublish_via_form(client, user):
    article = factories.ArticleFactory(created_by=user, slug="ukraine-nato")
    post_article(client, article, status="unpublished")
    article.refresh_from_db()
    return article.status == Article.Status.UNPUBLISHED


def delete(client, user):
    article = own_draft(user)
    client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    return not Article.objects.filter(pk=article.pk).exists()


def upload_photo(client, user):
    client.post(PHOTO_ADD_URL, photo_form(factories.image_upload()))
    return Photo.objects.filter(uploaded_by=user).exists()


def import_draft_as(client, user, tmp_path):
    return _import_as(user, tmp_path, status="draft")


def import_published_as(client, user, tmp_path):
    return _import_as(user, tmp_path, status="published", publish_at="2024-10-17T12:00:00+00:00")


def _import_as(user, tmp_path, **fields):
    factories.SectionFactory(slug="news")
    record = {"slug": "imported", "headline": "Imported", "section": "news", **fields}
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps({"articles": [record]}), encoding="utf-8")
    # A refused file fails the command (tested below); the table asks what was written.
    with contextlib.suppress(CommandError):
        call_command("import_articles", str(path), "--as", user.username)
    return Article.objects.filter(slug="imported", status=fields["status"]).exists()


ACTIONS = [
    # action, reporter, editor, administrator
    (add, True, True, True),
    (change_own_draft, True, True, True),
    (change_others_draft, False, True, True),
    (change_own_article_in_review, False, True, True),
    (submit_for_review, True, True, True),
    (publish_via_form, False, True, True),
    (publish_via_action, False, True, True),
    (schedule, False, True, True),
    (unpublish_via_action, False, True, True),
    (unpublish_via_form, False, True, True),
    (delete, False, True, True),
    (upload_photo, True, True, True),
    (import_draft_as, True, True, True),
    (import_published_as, False, True, True),
]


@pytest.mark.parametrize(
    ("action", "role", "allowed"),
    [
        (action, role, allowed)
        for action, *outcomes in ACTIONS
        for role, allowed in zip(ROLES, outcomes, strict=True)
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_role_may_do_only_what_it_is_allowed(client, tmp_path, capsys, action, role, allowed):
    user = user_in(role)
    client.force_login(user)
    kwargs = {"tmp_path": tmp_path} if action.__name__.startswith("import") else {}

    done = action(client, user, **kwargs)

    assert done is allowed


# Forged requests: what the page does not offer is refused by the server too.


@pytest.fixture
def reporter(db):
    return factories.ReporterFactory()


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


def test_reporter_form_offers_only_draft_and_review(reporter_client, reporter):
    article = own_draft(reporter)

    for url in (ADD_URL, change_url(article)):
        page = BeautifulSoup(reporter_client.get(url).content, "html.parser")
        options = [option["value"] for option in page.select("select#id_status option")]
        assert options == ["draft", "review"]
        # The publish time is shown, not offered: it is the editors' decision.
        assert page.select_one("#id_publish_at_0") is None


@pytest.mark.parametrize("status", ["published", "unpublished"])
def test_reporter_forging_a_publishing_status_is_refused_with_a_clear_message(
    reporter_client, status
):
    response = post_article(reporter_client, None, status=status)

    assert response.status_code == 200
    assert "You may not publish; submit the article for review." in errors(response)
    assert not Article.objects.exists()


def test_reporter_forging_a_publish_time_changes_nothing(reporter_client, reporter):
    article = own_draft(reporter)

    response = post_article(reporter_client, article, status="review", headline="Submitted")

    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert (article.headline, article.status, article.publish_at) == (
        "Submitted",
        Article.Status.IN_REVIEW,
        None,
    )


@pytest.mark.parametrize("action", ["publish_selected", "unpublish_selected", "delete_selected"])
def test_reporter_forging_an_action_changes_nothing(reporter_client, reporter, action):
    article = own_draft(reporter)
    page = BeautifulSoup(reporter_client.get(CHANGELIST).content, "html.parser")
    assert [o["value"] for o in page.select("select[name=action] option") if o["value"]] == []

    response = reporter_client.post(
        CHANGELIST, {"action": action, "_selected_action": [article.pk]}, follow=True
    )

    # With no action of their own, the reporter's POST is a plain look at the list.
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == []
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert Article.objects.filter(pk=article.pk).exists()


def test_user_with_other_actions_forging_publish_is_refused(client):
    # A reporter who may also delete has an action menu: the forged one is not on it.
    user = factories.ReporterFactory()
    user.user_permissions.add(Permission.objects.get(codename="delete_article"))
    client.force_login(user)
    article = factories.ArticleFactory(draft=True, status=Article.Status.IN_REVIEW)

    response = client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [article.pk]}, follow=True
    )

    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert [str(m) for m in response.context["messages"]] == ["No action selected."]


def test_reporter_posting_to_another_reporters_article_is_forbidden(reporter_client):
    article = others_draft()

    response = post_article(reporter_client, article, headline="Hijacked", status="draft")

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline != "Hijacked"


def test_reporter_sees_another_reporters_article_read_only(reporter_client):
    article = others_draft()

    page = BeautifulSoup(reporter_client.get(change_url(article)).content, "html.parser")

    assert page.select_one("h1").get_text() == "View article"
    assert page.select_one("input[name=_save]") is None
    assert page.select_one("#id_headline") is None


def test_article_submitted_for_review_belongs_to_the_editors(reporter_client, reporter):
    article = own_draft(reporter)
    post_article(reporter_client, article, status="review")

    response = post_article(reporter_client, article, status="draft", headline="Taken back")

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert article.headline != "Taken back"


def test_new_article_belongs_to_whoever_created_it(reporter_client, reporter):
    response = post_article(reporter_client, None, status="draft")

    assert response.status_code == 302, errors(response)
    assert Article.objects.get().created_by == reporter


@pytest.mark.parametrize("url", [ADD_URL, CHANGELIST])
def test_anonymous_and_non_staff_users_get_the_login_page(client, url):
    response = client.get(url)
    assert response["Location"].startswith("/admin/login/")

    # A reporter whose staff status was taken away is out, whatever their group.
    client.force_login(factories.ReporterFactory(is_staff=False))
    response = client.get(url)
    assert response["Location"].startswith("/admin/login/")

    response = client.post(ADD_URL, article_form(factories.SectionFactory(), status="draft"))
    assert response["Location"].startswith("/admin/login/")
    assert not Article.objects.exists()


# The services and the policy, without the admin.


@pytest.mark.parametrize(
    "service", [services.article_publish, services.article_unpublish], ids=["publish", "unpublish"]
)
def test_services_refuse_a_user_who_may_not_publish(reporter, service):
    article = factories.ArticleFactory(draft=True, created_by=reporter)

    with pytest.raises(PermissionDenied):
        service(article=article, user=reporter)

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize("user", ["editor", "system"])
def test_services_publish_for_an_editor_and_the_system(user):
    article = factories.ArticleFactory(draft=True)
    user = factories.EditorFactory() if user == "editor" else None

    services.article_publish(article=article, user=user)

    assert Article.objects.published().get() == article


def test_policy_for_an_article_without_a_creator(reporter):
    article = factories.ArticleFactory(draft=True, created_by=None)

    assert not permissions.can_edit(reporter, article)
    assert permissions.can_edit(factories.EditorFactory(), article)
    assert permissions.can_edit(None, article)


def test_superuser_may_do_everything():
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    article = factories.ArticleFactory(created_by=None)

    assert permissions.can_publish(superuser) and permissions.can_edit(superuser, article)
    assert permissions.allowed_statuses(superuser) == set(Article.Status.values)


# The import command run as a user.


def write_file(tmp_path, records, **kinds):
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps({"articles": records, **kinds}), encoding="utf-8")
    return str(path)


def test_reporter_import_of_published_articles_imports_nothing(tmp_path, capsys, reporter):
    factories.SectionFactory(slug="news")
    path = write_file(
        tmp_path,
        [
            {"slug": "draft", "headline": "Draft", "section": "news"},
            {
                "slug": "live",
                "headline": "Live",
                "section": "news",
                "status": "published",
                "publish_at": "2024-10-17T12:00:00+00:00",
            },
        ],
    )

    with pytest.raises(CommandError):
        call_command("import_articles", path, "--as", reporter.username)

    err = capsys.readouterr().err
    assert (
        f"{path}: record articles[2] (live): status: {reporter.username}: "
        "You may not publish; submit the article for review." in err
    )
    assert f"{path}: record articles[2] (live): publish_at: " in err
    assert "articles[1]" not in err
    assert not Article.objects.exists()


def test_reporter_import_may_not_change_anothers_article_or_add_a_section(tmp_path, capsys):
    reporter = factories.ReporterFactory(username="rita")
    factories.ArticleFactory(draft=True, slug="theirs", created_by=factories.ReporterFactory())
    path = write_file(
        tmp_path,
        [{"slug": "theirs", "headline": "Changed", "section": "new-section"}],
        sections=[{"slug": "new-section", "name": "New section"}],
    )

    with pytest.raises(CommandError):
        call_command("import_articles", path, "--as", reporter.username)

    err = capsys.readouterr().err
    assert "record sections[1] (new-section): rita may not add sections." in err
    assert "record articles[1] (theirs): rita may not change this article." in err
    assert Article.objects.get().headline != "Changed"


def test_reporter_import_of_an_own_draft_keeps_them_its_owner(tmp_path, reporter):
    factories.SectionFactory(slug="news")
    path = write_file(tmp_path, [{"slug": "mine", "headline": "Mine", "section": "news"}])

    call_command("import_articles", path, "--as", reporter.username)
    call_command(
        "import_articles",
        write_file(
            tmp_path,
            [{"slug": "mine", "headline": "Mine, again", "section": "news", "status": "review"}],
        ),
        "--as",
        reporter.username,
    )

    article = Article.objects.get()
    assert (article.headline, article.status, article.created_by) == (
        "Mine, again",
        Article.Status.IN_REVIEW,
        reporter,
    )


def test_import_without_as_runs_as_the_system(tmp_path):
    factories.SectionFactory(slug="news")
    path = write_file(
        tmp_path,
        [
            {
                "slug": "live",
                "headline": "Live",
                "section": "news",
                "status": "published",
                "publish_at": "2024-10-17T12:00:00+00:00",
            }
        ],
    )

    call_command("import_articles", path)

    article = Article.objects.published().get()
    assert article.created_by is None


@pytest.mark.parametrize("active", [False, None], ids=["inactive", "unknown"])
def test_import_as_an_unknown_or_inactive_user_fails(tmp_path, active):
    if active is not None:
        factories.EditorFactory(username="gone", is_active=active)
    path = write_file(tmp_path, [])

    with pytest.raises(CommandError, match="“gone”"):
        call_command("import_articles", path, "--as", "gone")


# The changelist: where articles stand.


def test_changelist_shows_status_badges(editor_client):
    factories.ArticleFactory(headline="Live")
    factories.ArticleFactory(headline="Later", publish_at=timezone.now() + timedelta(hours=2))
    factories.ArticleFactory(headline="Waiting", draft=True, status=Article.Status.IN_REVIEW)

    page = BeautifulSoup(editor_client.get(CHANGELIST).content, "html.parser")

    badges = {
        row.select_one(".field-headline").get_text(): (
            row.select_one("span.status")["class"][1],
            row.select_one("span.status").get_text(),
        )
        for row in page.select("#result_list tbody tr")
    }
    assert badges == {
        "Live": ("status-published", "Published"),
        "Later": ("status-scheduled", "Scheduled"),
        "Waiting": ("status-review", "In review"),
    }


@pytest.mark.parametrize(
    ("workflow", "expected"),
    [("mine", ["Mine"]), ("review", ["Waiting"]), ("scheduled", ["Later"]), (None, None)],
)
def test_workflow_filters(client, workflow, expected):
    reporter = factories.ReporterFactory()
    factories.ArticleFactory(headline="Mine", draft=True, created_by=reporter)
    factories.ArticleFactory(headline="Live", created_by=factories.ReporterFactory())
    factories.ArticleFactory(headline="Later", publish_at=timezone.now() + timedelta(hours=2))
    factories.ArticleFactory(headline="Waiting", draft=True, status=Article.Status.IN_REVIEW)
    client.force_login(reporter)

    response = client.get(CHANGELIST, {"workflow": workflow} if workflow else {})

    page = BeautifulSoup(response.content, "html.parser")
    headlines = sorted(cell.get_text() for cell in page.select("#result_list .field-headline"))
    assert headlines == (expected or ["Later", "Live", "Mine", "Waiting"])


@pytest.mark.parametrize("count", [1, 3])
def test_reporter_changelist_queries_do_not_grow_with_articles(
    reporter_client, reporter, django_assert_num_queries, count
):
    for _ in range(count):
        factories.ArticleFactory(created_by=reporter, lead_photo=factories.PhotoFactory())

    # As for an editor (tests/test_admin.py): the rules cost no query per row.
    with django_assert_num_queries(12):
        response = reporter_client.get(CHANGELIST, {"workflow": "mine"})

    assert len(BeautifulSoup(response.content, "html.parser").select("#result_list tbody tr")) == (
        count
    )


def test_only_groups_of_the_migration_exist():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ROLES)


def test_demo_editor_is_in_the_editor_group(capsys):
    call_command("demo_editor")

    user = Group.objects.get(name="Editor").user_set.get(username="editor")
    assert not user.user_permissions.exists()
    assert user.has_perm(permissions.PUBLISH)


def photo_change_url(photo):
    return reverse("admin:articles_photo_change", args=[photo.pk])


@pytest.mark.parametrize(
    ("whose", "used_by", "allowed"),
    [
        ("own", None, True),
        ("own", "own draft", True),
        ("own", "published article", False),
        ("own", "author portrait", False),
        ("someone else's", None, False),
    ],
)
def test_reporter_changes_only_own_photos_that_readers_cannot_see(
    reporter_client, reporter, whose, used_by, allowed
):
    photo = factories.PhotoFactory(
        caption="As supplied",
        uploaded_by=reporter if whose == "own" else factories.EditorFactory(),
    )
    if used_by == "own draft":
        factories.ArticleFactory(created_by=reporter, lead_photo=photo, draft=True)
    elif used_by == "published article":
        factories.ArticleFactory(lead_photo=photo)
    elif used_by == "author portrait":
        factories.AuthorFactory(portrait=photo)

    response = reporter_client.post(
        photo_change_url(photo), photo_form("", caption="Defaced caption")
    )

    photo.refresh_from_db()
    assert (photo.caption == "Defaced caption") is allowed
    assert response.status_code == (302 if allowed else 403)


def test_editor_changes_any_photo(editor_client):
    photo = factories.PhotoFactory(uploaded_by=factories.ReporterFactory())
    factories.ArticleFactory(lead_photo=photo)

    response = editor_client.post(photo_change_url(photo), photo_form("", caption="Corrected"))

    assert response.status_code == 302, errors(response)
    photo.refresh_from_db()
    assert photo.caption == "Corrected"


def test_reporter_import_cannot_change_a_photo_readers_see(tmp_path, capsys, reporter):
    photo = factories.PhotoFactory(
        external_id="wire-1", caption="As supplied", uploaded_by=reporter
    )
    with photo.image.open("rb") as stored:
        (tmp_path / "photo.jpg").write_bytes(stored.read())
    factories.ArticleFactory(lead_photo=photo)
    path = tmp_path / "fixture.json"
    record = {"id": "wire-1", "image": "photo.jpg", "alt_text": photo.alt_text}
    path.write_text(json.dumps({"photos": [{**record, "caption": "Defaced"}]}), encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("import_articles", str(path), "--as", reporter.username)

    assert f"record photos[1] (wire-1): {reporter.username} may not change this photo." in (
        capsys.readouterr().err
    )
    photo.refresh_from_db()
    assert photo.caption == "As supplied"
