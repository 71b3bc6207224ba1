import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section
from newsroom.audit.admin import audit_history_url
from newsroom.audit.models import Action, AppendOnlyError, AuditEntry, Door
from newsroom.audit.services import audit_entry, audit_record
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:audit_auditentry_changelist")
LOGIN_URL = reverse("admin:login")


@pytest.fixture(autouse=True)
def empty_log(db):
    """
    Each test starts from an empty log. After a test that really commits, the database is
    flushed and the roles made again (articles.roles), which the log records as it should.
    Emptied through the base manager, which does not refuse; undone with the test.
    """
    AuditEntry._base_manager.all().delete()


@pytest.fixture
def auditor(db):
    """An editor who may read the audit log."""
    user = factories.EditorFactory(username="auditor")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="audit", codename="view_auditentry")
    )
    return user


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run, as a commit would, what the code inside asked to run on commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def rows(response):
    page = BeautifulSoup(response.content, "html.parser")
    return page.select("#result_list tbody tr")


def history():
    """What the log holds, oldest first, in the words an auditor reads."""
    return [
        (entry.action, entry.door, entry.username, entry.object_repr, entry.summary, entry.fields)
        for entry in AuditEntry.objects.order_by("pk")
    ]


# Writing.


@pytest.mark.parametrize("count", [1, 30])
def test_audit_record_queries_do_not_grow_with_entries(django_assert_num_queries, count):
    user = factories.UserFactory(username="angela")
    sections = [factories.SectionFactory() for _ in range(count)]
    entries = [
        audit_entry(action=Action.CHANGE, door=Door.ADMIN, user=user, obj=section, fields=["name"])
        for section in sections
    ]

    # One INSERT for all of them.
    with django_assert_num_queries(1):
        written = audit_record(entries=entries)

    assert [entry.pk is not None for entry in written] == [True] * count
    assert list(
        AuditEntry.objects.order_by("pk").values_list("username", "object_id", "fields")
    ) == [("angela", str(section.pk), ["name"]) for section in sections]


@pytest.mark.parametrize("count", [1, 30])
def test_audit_record_reads_usernames_of_user_ids_in_one_query(django_assert_num_queries, count):
    users = [factories.UserFactory() for _ in range(count)]
    entries = [AuditEntry(action=Action.LOGIN, door=Door.WEB, user_id=user.pk) for user in users]

    # The usernames, then one INSERT.
    with django_assert_num_queries(2):
        audit_record(entries=entries)

    assert list(AuditEntry.objects.order_by("pk").values_list("username", flat=True)) == [
        user.username for user in users
    ]


def test_audit_entry_describes_the_object_as_it_is_now():
    section = factories.SectionFactory(name="Politics")

    entry = audit_entry(
        action=Action.DELETE, door=Door.SHELL, user=AnonymousUser(), obj=section, summary="Gone"
    )

    assert entry.pk is None
    assert (entry.content_type, entry.object_id, entry.object_repr, entry.user) == (
        ContentType.objects.get_for_model(Section),
        str(section.pk),
        "Politics",
        None,
    )


def test_audit_record_shortens_long_names_and_summaries():
    entry = AuditEntry(
        action=Action.LOGIN_FAILED,
        door=Door.WEB,
        username="u" * 300,
        object_repr="o" * 300,
        summary="s" * 3000,
    )

    audit_record(entries=[entry])

    stored = AuditEntry.objects.get()
    assert (len(stored.username), len(stored.object_repr), len(stored.summary)) == (150, 200, 2000)
    assert stored.object_repr.endswith("o…")


@pytest.mark.parametrize(
    "values",
    [{"action": "publsh", "door": Door.ADMIN}, {"action": Action.PUBLISH, "door": "backdoor"}],
)
def test_audit_record_refuses_unknown_action_or_door_and_writes_nothing(values):
    good = AuditEntry(action=Action.CHANGE, door=Door.ADMIN)

    with pytest.raises(ValidationError):
        audit_record(entries=[good, AuditEntry(**values)])

    assert AuditEntry.objects.count() == 0


# Append-only.


def test_entry_reads_as_who_did_what():
    entry = AuditEntry(
        at=timezone.now(), action=Action.PUBLISH, door=Door.ADMIN, object_repr="Budget passes"
    )

    assert str(entry).endswith(" system: published “Budget passes”")


def test_entry_refuses_to_be_saved_again():
    entry = factories.AuditEntryFactory(summary="As it happened")
    entry.summary = "Rewritten"

    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        audit_record(entries=[entry])

    assert AuditEntry.objects.get().summary == "As it happened"


def test_entry_refuses_to_be_saved_over_an_existing_one():
    existing = factories.AuditEntryFactory(summary="As it happened")

    with pytest.raises(AppendOnlyError):
        AuditEntry(pk=existing.pk, action=Action.CHANGE, door=Door.SHELL, summary="Forged").save()

    assert list(AuditEntry.objects.values_list("summary", flat=True)) == ["As it happened"]


@pytest.mark.parametrize(
    "attempt",
    [
        lambda entry: entry.delete(),
        lambda entry: AuditEntry.objects.filter(pk=entry.pk).delete(),
        lambda entry: AuditEntry.objects.all().delete(),
        lambda entry: AuditEntry.objects.update(summary="Rewritten"),
        lambda entry: AuditEntry.objects.filter(pk=entry.pk).update(summary="Rewritten"),
        lambda entry: AuditEntry.objects.bulk_update([entry], ["summary"]),
    ],
    ids=["instance delete", "filter delete", "all delete", "update", "filter update", "bulk"],
)
def test_entries_refuse_update_and_delete(attempt):
    entry = factories.AuditEntryFactory(summary="As it happened")
    entry.summary = "Rewritten"

    with pytest.raises(AppendOnlyError):
        attempt(entry)

    assert list(AuditEntry.objects.values_list("summary", flat=True)) == ["As it happened"]


def test_deleting_a_user_keeps_their_entries_and_username():
    user = factories.UserFactory(username="angela")
    factories.AuditEntryFactory(user=user)

    user.delete()

    assert list(AuditEntry.objects.values_list("user", "username")) == [(None, "angela")]


# Signing in and out.


def test_login_through_the_admin_is_recorded(client, committed):
    user = factories.EditorFactory(username="angela")

    with committed():
        response = client.post(
            LOGIN_URL,
            {"username": "angela", "password": "password", "next": "/admin/"},
            REMOTE_ADDR="203.0.113.9",
        )

    assert response.status_code == 302
    # The sign-in saves last_login: that is no change to the user of its own.
    assert history() == [("login", "admin", "angela", "angela", "", [])]
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.ip_address, entry.object_id) == (user, "203.0.113.9", str(user.pk))
    assert entry.content_type == ContentType.objects.get_for_model(get_user_model())


def test_logout_is_recorded(client, committed):
    user = factories.EditorFactory(username="angela")
    client.force_login(user)

    with committed():
        response = client.post(reverse("admin:logout"), REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200
    assert history() == [("logout", "admin", "angela", "angela", "", [])]
    assert AuditEntry.objects.get().ip_address == "203.0.113.9"


@pytest.mark.parametrize("username", ["angela", "nobody"])
def test_failed_login_is_recorded_with_username_and_without_password(client, username):
    factories.EditorFactory(username="angela")
    password = "wrong-horse-battery-staple"

    response = client.post(
        LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 200  # The form again, with its error.
    assert history() == [("login_failed", "admin", username, "", "", [])]
    stored = AuditEntry.objects.values().get()
    assert stored["user_id"] is None
    assert stored["ip_address"] == "203.0.113.9"
    assert not [value for value in stored.values() if password in str(value)]


# People, groups and permissions.


@pytest.mark.django_db(transaction=True)
def test_user_changes_are_recorded_when_they_commit_and_not_when_rolled_back():
    user = factories.UserFactory(username="angela")

    with pytest.raises(RuntimeError), transaction.atomic():
        user.email = "angela@example.org"
        user.save()
        raise RuntimeError("the request failed")
    user.refresh_from_db()
    with transaction.atomic():
        user.first_name = "Angela"
        user.save()

    assert history() == [
        ("user_change", "system", "", "angela", "User created", []),
        ("user_change", "system", "", "angela", "Changed first name", ["first_name"]),
    ]


def test_user_created_changed_and_deleted_are_recorded(committed):
    with committed():
        user = get_user_model().objects.create_user("angela", password="password")
        user.email = "angela@example.org"
        user.is_staff = True
        user.save()
        user.set_password("another password")
        user.save()
        user.delete()

    assert history() == [
        ("user_change", "system", "", "angela", "User created", []),
        (
            "user_change",
            "system",
            "",
            "angela",
            "Changed email address, staff status",
            ["email", "is_staff"],
        ),
        ("user_change", "system", "", "angela", "Changed password", ["password"]),
        ("user_change", "system", "", "angela", "User deleted", []),
    ]


def test_last_login_only_saves_are_not_recorded(committed):
    user = factories.UserFactory()

    with committed():
        user.last_login = timezone.now()
        user.save()
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        user.save()  # Nothing changed at all.

    assert history() == []


def test_rolled_back_user_change_writes_no_entry(committed):
    user = factories.UserFactory(username="angela")

    with committed() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        user.email = "angela@example.org"
        user.save()
        user.groups.add(Group.objects.get(name="Editor"))
        raise RuntimeError("the request failed")

    assert callbacks == []
    assert history() == []


def test_group_membership_changes_are_recorded_from_either_side(committed):
    user = factories.UserFactory(username="angela")
    editor, reporter = Group.objects.get(name="Editor"), Group.objects.get(name="Reporter")

    with committed():
        user.groups.add(editor, reporter)
        user.groups.remove(reporter)
        editor.user_set.remove(user)
        reporter.user_set.add(user)
        user.groups.clear()
        user.groups.clear()  # Nothing left to remove: nothing to record.

    assert history() == [
        ("group_change", "system", "", "angela", "Added to groups Editor, Reporter", ["groups"]),
        ("group_change", "system", "", "angela", "Removed from group Reporter", ["groups"]),
        ("group_change", "system", "", "angela", "Removed from group Editor", ["groups"]),
        ("group_change", "system", "", "angela", "Added to group Reporter", ["groups"]),
        ("group_change", "system", "", "angela", "Removed from group Reporter", ["groups"]),
    ]


def test_permission_changes_are_recorded_for_users_and_groups(committed):
    user = factories.UserFactory(username="angela")
    group = Group.objects.create(name="Night desk")
    publish = Permission.objects.get(content_type__app_label="articles", codename="publish_article")
    view = Permission.objects.get(content_type__app_label="articles", codename="view_article")

    with committed():
        user.user_permissions.add(publish)
        group.permissions.add(publish, view)
        group.permissions.remove(view)
        group.name = "Night editors"
        group.save()
        group.delete()

    assert history() == [
        (
            "permission_change",
            "system",
            "",
            "angela",
            "Permission added: articles.publish_article",
            ["user_permissions"],
        ),
        (
            "permission_change",
            "system",
            "",
            "Night desk",
            "Permissions added: articles.publish_article, articles.view_article",
            ["permissions"],
        ),
        (
            "permission_change",
            "system",
            "",
            "Night desk",
            "Permission removed: articles.view_article",
            ["permissions"],
        ),
        ("group_change", "system", "", "Night editors", "Changed name", ["name"]),
        # Its permissions go with it, without an entry of their own.
        ("group_change", "system", "", "Night editors", "Group deleted", []),
    ]


# The admin.


def test_changelist_shows_entries_with_links_to_objects_that_still_exist(auditor_client):
    # Groups: their admin pages are contrib.auth's, whatever becomes of ours.
    kept, gone = Group.objects.create(name="Kept desk"), Group.objects.create(name="Gone desk")
    audit_record(
        entries=[
            audit_entry(action=Action.CREATE, door=Door.ADMIN, obj=kept, summary="Created"),
            audit_entry(action=Action.DELETE, door=Door.ADMIN_ACTION, obj=gone),
        ]
    )
    gone.delete()

    response = auditor_client.get(CHANGELIST_URL)

    cells = [
        [" ".join(cell.get_text().split()) for cell in row.select("td, th")[1:]]
        for row in rows(response)
    ]
    assert cells == [
        ["system", "Deleted", "Admin list action", "Gone desk", "-"],
        ["system", "Created", "Admin form", "Kept desk", "Created"],
    ]
    links = [row.select_one("td.field-object_link a") for row in rows(response)]
    assert [link and link["href"] for link in links] == [
        None,
        reverse("admin:auth_group_change", args=[kept.pk]),
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_changelist_queries_do_not_grow_with_entries(
    auditor_client, auditor, django_assert_num_queries, count
):
    for number in range(count):
        person = factories.UserFactory()
        group = Group.objects.create(name=f"Desk {number}")
        factories.AuditEntryFactory(user=auditor, **_about(person))
        factories.AuditEntryFactory(**_about(group))

    # session, user, permissions (2), 2 counts, entries, date hierarchy (2), 2 filter lists,
    # and one query per kind of object for the links (users, groups): none per entry.
    with django_assert_num_queries(13):
        response = auditor_client.get(CHANGELIST_URL)

    assert len(rows(response)) == 2 * count
    assert len(response.context["cl"].result_list) == 2 * count
    assert all(entry._object_url for entry in response.context["cl"].result_list)


def _about(obj):
    return {
        "content_type": ContentType.objects.get_for_model(obj),
        "object_id": str(obj.pk),
        "object_repr": str(obj),
    }


def test_changelist_filters_by_object_through_the_url(auditor_client):
    article, other = factories.ArticleFactory(), factories.ArticleFactory()
    section = factories.SectionFactory(pk=article.pk + 1000)
    factories.AuditEntryFactory(summary="Mine", **_about(article))
    factories.AuditEntryFactory(summary="Other article", **_about(other))
    # The same id, another kind of object.
    factories.AuditEntryFactory(summary="A section", **{**_about(section), "object_id": article.pk})
    url = audit_history_url(article)

    response = auditor_client.get(url)

    content_type = ContentType.objects.get_for_model(Article)
    assert (
        url == f"{CHANGELIST_URL}?content_type__id__exact={content_type.pk}&object_id={article.pk}"
    )
    assert [row.select_one("td.field-summary_short").get_text() for row in rows(response)] == [
        "Mine"
    ]


@pytest.mark.parametrize(
    "query", ["action__exact=login", "door__exact=web", "q=angela", "at__year=2024"]
)
def test_changelist_filters_and_search_work(auditor_client, auditor, query):
    factories.AuditEntryFactory(action=Action.LOGIN, door=Door.WEB, user=auditor, summary="x")

    response = auditor_client.get(f"{CHANGELIST_URL}?{query}")

    assert response.status_code == 200
    assert "?e=1" not in response.get("Location", "")


@pytest.mark.parametrize("who", ["auditor_client", "admin_client"])
def test_admin_is_read_only_for_everyone(request, who):
    client = request.getfixturevalue(who)
    entry = factories.AuditEntryFactory(summary="As it happened")
    change_url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    delete_url = reverse("admin:audit_auditentry_delete", args=[entry.pk])

    changelist = BeautifulSoup(client.get(CHANGELIST_URL).content, "html.parser")
    view = client.get(change_url)
    responses = {
        "add": client.get(reverse("admin:audit_auditentry_add")).status_code,
        "change": client.post(change_url, {"summary": "Rewritten"}).status_code,
        "delete page": client.get(delete_url).status_code,
        "delete": client.post(delete_url, {"post": "yes"}).status_code,
        "delete selected": client.post(
            CHANGELIST_URL, {"action": "delete_selected", "_selected_action": [entry.pk]}
        ).status_code,
    }

    assert responses == {
        "add": 403,
        "change": 403,
        "delete page": 403,
        "delete": 403,
        # No actions: the list takes the POST as a plain GET and changes nothing.
        "delete selected": 200,
    }
    assert changelist.select("select[name=action]") == []
    assert changelist.select(".object-tools a") == []
    page = BeautifulSoup(view.content, "html.parser")
    assert view.status_code == 200
    assert page.select("input[type=submit]") == []
    assert " ".join(page.select_one(".field-summary .readonly").get_text().split()) == (
        "As it happened"
    )
    assert list(AuditEntry.objects.values_list("summary", flat=True)) == ["As it happened"]


def test_staff_without_view_permission_cannot_read_the_log(client):
    factories.AuditEntryFactory(summary="Secret")
    client.force_login(factories.ReporterFactory())

    response = client.get(CHANGELIST_URL)

    assert response.status_code == 403
    assert b"Secret" not in response.content
