"""
The newsroom's roles as groups of permissions: Reporter, Editor and Administrator. What the
permissions do not say (a reporter edits only their own drafts) is in articles/permissions.py.

Migration 0007_roles makes the groups; after a `flush`, which empties every table, they are
made again on post_migrate (as contrib.sites makes its default site). Only a missing group is
made: one that exists is left as an administrator has set it.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, router

VIEW = ["view"]
ALL = ["add", "change", "delete", "view"]
# What the staff who run the newsroom read and nobody changes: the audit log, and the
# background tasks (where a failed one shows). Editors and Administrators may view them.
OVERSIGHT_MODELS = [("audit", "auditentry"), ("django_tasks_database", "dbtaskresult")]

# (app label, model) → actions, for each role but the Administrator's.
ROLES = {
    "Reporter": {
        # Writes their own drafts and submits them for review; no publishing, no deleting.
        ("articles", "article"): ["add", "change", "view"],
        ("articles", "byline"): ALL,
        ("articles", "relatedlink"): ALL,
        ("articles", "photo"): ["add", "change", "view"],
        ("articles", "section"): VIEW,
        ("articles", "author"): VIEW,
        ("articles", "agency"): VIEW,
        ("articles", "correction"): VIEW,
        ("articles", "articlerevision"): VIEW,
        # Reporters post updates to live blogs; editors also take them down.
        ("articles", "liveentry"): ["add", "change", "view"],
        ("articles", "liveentryrevision"): VIEW,
        ("taggit", "tag"): ["add", "view"],
    },
    "Editor": {
        ("articles", "article"): [*ALL, "publish"],
        ("articles", "byline"): ALL,
        ("articles", "relatedlink"): ALL,
        ("articles", "photo"): ALL,
        ("articles", "section"): ALL,
        ("articles", "author"): ALL,
        ("articles", "agency"): ALL,
        # Corrections are appended, never edited or removed.
        ("articles", "correction"): ["add", "view"],
        ("articles", "articlerevision"): VIEW,
        # Arranging the home page and the section pages; past arrangements are history.
        ("articles", "frontarrangement"): ["add", "view", "delete"],
        ("articles", "frontslot"): ["add", "view"],
        ("articles", "liveentry"): ALL,
        ("articles", "liveentryrevision"): VIEW,
        # The breaking-news banner: switched on (added) and off (an action); never edited.
        ("articles", "banner"): ["add", "view"],
        ("taggit", "tag"): ALL,
        ("taggit", "taggeditem"): ALL,
        ("redirects", "redirect"): ALL,
        **{model: VIEW for model in OVERSIGHT_MODELS},
    },
}
OVERSIGHT = {(app, f"view_{model}") for app, model in OVERSIGHT_MODELS}
OVERSIGHT_ROLES = ["Editor", "Administrator"]
# Administrators manage people as well as content: every permission of these apps (the news
# partners and their API keys included), and users and groups. Superusers stay superusers.
ADMINISTRATOR = "Administrator"
ADMINISTRATOR_APPS = ["articles", "taggit", "redirects", "sites", "partners"]
ADMINISTRATOR_MODELS = ["user", "group"]


def roles_create(*, apps=global_apps, using=DEFAULT_DB_ALIAS) -> list[str]:
    """
    Create each role's group that does not exist yet, with its permissions (created first
    when missing), and return their names. `apps` is a migration's state, or the project's.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    existing = set(Group.objects.using(using).values_list("name", flat=True))
    missing = [name for name in [*ROLES, ADMINISTRATOR] if name not in existing]
    if not missing:
        return []
    # Permissions are written on post_migrate, after every migration: a new database has none.
    for label in ["auth", *ADMINISTRATOR_APPS, *(app for app, _ in OVERSIGHT)]:
        create_permissions(global_apps.get_app_config(label), verbosity=0, apps=apps, using=using)
    permissions = Permission.objects.using(using).select_related("content_type")
    for name in missing:
        if name == ADMINISTRATOR:
            chosen = [
                permission
                for permission in permissions
                if permission.content_type.app_label in ADMINISTRATOR_APPS
                or (permission.content_type.app_label, permission.codename) in OVERSIGHT
                or (
                    permission.content_type.app_label == "auth"
                    and permission.content_type.model in ADMINISTRATOR_MODELS
                )
            ]
        else:
            wanted = {
                (app, f"{action}_{model}")
                for (app, model), actions in ROLES[name].items()
                for action in actions
            }
            chosen = [p for p in permissions if (p.content_type.app_label, p.codename) in wanted]
        group = Group.objects.using(using).create(name=name)
        group.permissions.set(chosen)
    return missing


def roles_create_after_migrate(sender, *, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate receiver: the roles survive a `flush`."""
    try:
        Group = apps.get_model("auth", "Group")
    except LookupError:
        return  # auth is not migrated yet.
    if router.allow_migrate_model(using, Group):
        roles_create(apps=apps, using=using)


def roles_grant_oversight(*, apps=global_apps, using=DEFAULT_DB_ALIAS) -> None:
    """Let the existing Editor and Administrator groups view the audit log and the tasks."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for label in {app for app, _ in OVERSIGHT}:
        create_permissions(global_apps.get_app_config(label), verbosity=0, apps=apps, using=using)
    wanted = Permission.objects.using(using).filter(
        content_type__app_label__in={app for app, _ in OVERSIGHT},
        codename__in={codename for _, codename in OVERSIGHT},
    )
    for group in Group.objects.using(using).filter(name__in=OVERSIGHT_ROLES):
        group.permissions.add(*wanted)


def roles_grant(*, models, apps=global_apps, using=DEFAULT_DB_ALIAS) -> None:
    """
    Give the existing groups what ROLES says of `models` ((app, model) pairs new since the
    groups were made), and the Administrator every permission of them.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for label in {app for app, _ in models}:
        create_permissions(global_apps.get_app_config(label), verbosity=0, apps=apps, using=using)
    permissions = list(
        Permission.objects.using(using)
        .filter(content_type__app_label__in={app for app, _ in models})
        .select_related("content_type")
    )
    of_models = [
        p for p in permissions if (p.content_type.app_label, p.content_type.model) in models
    ]
    for group in Group.objects.using(using).filter(name__in=[*ROLES, ADMINISTRATOR]):
        if group.name == ADMINISTRATOR:
            group.permissions.add(*of_models)
            continue
        wanted = {
            (app, f"{action}_{model}")
            for (app, model), actions in ROLES[group.name].items()
            if (app, model) in models
            for action in actions
        }
        group.permissions.add(
            *(p for p in of_models if (p.content_type.app_label, p.codename) in wanted)
        )
