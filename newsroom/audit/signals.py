"""
Sign-ins, and changes to people, groups and permissions, into the audit log.

Users, groups and permissions are Django's own models, saved by Django's own code (the auth
admin, `createsuperuser`, `changepassword`), so signals are the hook here; our own content
announces its changes through the write path instead. Each entry is built when the change
happens (names as they are then) and written once its transaction commits, so a rolled-back
change leaves no entry. Who made a user or group change is not known here: those entries read
as the system's.
"""

from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save
from django.urls import NoReverseMatch, reverse

from newsroom.audit.models import Action, AuditEntry, Door
from newsroom.audit.services import audit_entry, audit_record

# Never a change of its own: a new last_login is the sign-in (Django's update_last_login).
IGNORED_FIELDS = {"last_login"}
# m2m_changed actions recorded, with the words for them. A clear is read before it happens.
M2M_VERBS = {"post_add": "added", "post_remove": "removed", "pre_clear": "removed"}

# Database aliases where the audit table has been seen. Migrations use historical models
# (other classes than those connected below), so neither the data migration that makes the
# roles nor the post_migrate handler given the migration's state sends anything here. What
# remains is code using the project's models on a database where the audit app is not
# migrated yet: `migrate auth` then `createsuperuser`, a `flush` before `migrate audit`. Those
# skip their entries instead of failing after their change committed. A table once seen is
# taken to stay, so the check costs one query per process (none in a process that migrated).
_table_seen: set[str] = set()


def connect(app_config):
    """Connect the receivers: called once, from AuditConfig.ready()."""
    User = get_user_model()
    auth_signals.user_logged_in.connect(logged_in, dispatch_uid="audit-logged-in")
    auth_signals.user_logged_out.connect(logged_out, dispatch_uid="audit-logged-out")
    auth_signals.user_login_failed.connect(login_failed, dispatch_uid="audit-login-failed")
    for model in [User, Group]:
        uid = f"audit-{model._meta.label_lower}"
        pre_save.connect(saving, sender=model, dispatch_uid=uid)
        post_save.connect(saved, sender=model, dispatch_uid=uid)
        post_delete.connect(deleted, sender=model, dispatch_uid=uid)
    for relation in [
        getattr(User, "groups", None),
        getattr(User, "user_permissions", None),
        Group.permissions,
    ]:
        if relation is not None:
            m2m_changed.connect(
                related_changed, sender=relation.through, dispatch_uid=f"audit-{relation.field}"
            )
    post_migrate.connect(migrated, sender=app_config, dispatch_uid="audit-migrated")


# Sign-ins.


def logged_in(sender, request, user, **kwargs):
    entry = audit_entry(
        action=Action.LOGIN, door=_door(request), user=user, obj=user, ip_address=_ip(request)
    )
    _record_on_commit([entry], using=router.db_for_write(type(user), instance=user))


def logged_out(sender, request, user, **kwargs):
    if user is None or not user.is_authenticated:
        return  # Signing out while signed out.
    entry = audit_entry(
        action=Action.LOGOUT, door=_door(request), user=user, obj=user, ip_address=_ip(request)
    )
    _record_on_commit([entry], using=router.db_for_write(type(user), instance=user))


def login_failed(sender, credentials, request=None, **kwargs):
    """Only the username tried is kept; whatever else was sent (the password) never is."""
    User = get_user_model()
    tried = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or ""
    entry = audit_entry(action=Action.LOGIN_FAILED, door=_door(request), ip_address=_ip(request))
    entry.username = str(tried)
    # Nothing was written that could roll back: the entry is written now.
    if _table_exists(router.db_for_write(AuditEntry)):
        audit_record(entries=[entry])


def _door(request):
    """Sign-ins through the admin's pages are the admin's; the others, the site's."""
    if request is None:
        return Door.SYSTEM
    try:
        admin_prefix = reverse("admin:index")
    except NoReverseMatch:
        return Door.WEB
    return Door.ADMIN if request.path.startswith(admin_prefix) else Door.WEB


def _ip(request):
    """The address the request came from (behind a proxy, the proxy's); None when unusable."""
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    if not address:
        return None
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


# Users and groups.


def saving(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    """Read the row as it is before a change, to tell which fields the save changes."""
    instance._audit_before = None
    # A fixture load (raw) writes rows as they were stored: it is not someone's change.
    if raw or instance._state.adding or instance.pk is None:
        return
    names = [
        field.attname
        for field in sender._meta.concrete_fields
        if field.name not in IGNORED_FIELDS
        and (update_fields is None or field.name in update_fields)
    ]
    if names:
        # One query per save of a user or group: they are saved rarely, never in bulk.
        instance._audit_before = (
            sender._base_manager.using(using).filter(pk=instance.pk).values(*names).first()
        )


def saved(sender, instance, created, raw=False, using=None, **kwargs):
    if raw:
        return
    before = instance.__dict__.pop("_audit_before", None)
    kind = sender._meta.verbose_name
    if created:
        fields, summary = [], f"{kind.capitalize()} created"
    elif before is None:
        return  # Only ignored fields were saved (the sign-in), or the row had gone.
    else:
        changed = [
            field
            for field in sender._meta.concrete_fields
            if field.attname in before and before[field.attname] != getattr(instance, field.attname)
        ]
        if not changed:
            return
        fields = [field.name for field in changed]
        summary = "Changed " + ", ".join(str(field.verbose_name) for field in changed)
    entry = audit_entry(
        action=_action(sender), door=Door.SYSTEM, obj=instance, fields=fields, summary=summary
    )
    _record_on_commit([entry], using=using)


def deleted(sender, instance, using=None, **kwargs):
    kind = sender._meta.verbose_name
    entry = audit_entry(
        action=_action(sender),
        door=Door.SYSTEM,
        obj=instance,
        summary=f"{kind.capitalize()} deleted",
    )
    _record_on_commit([entry], using=using)


def _action(model):
    return Action.GROUP_CHANGE if issubclass(model, Group) else Action.USER_CHANGE


# Group membership and permissions.


def related_changed(sender, instance, action, reverse, model, pk_set, using, **kwargs):
    """
    A user's groups or permissions, or a group's permissions, changed from either side: one
    entry for each user or group whose groups or permissions changed.
    """
    if action not in M2M_VERBS:
        return
    owner_field = _owner_field(sender, instance, reverse, model)
    owner_model = owner_field.model
    if reverse:
        related = [instance]
        owners = owner_model._base_manager.using(using)
        owners = (
            owners.filter(pk__in=pk_set)
            if action != "pre_clear"
            else owners.filter(**{owner_field.name: instance})
        )
    else:
        owners = [instance]
        related_model = owner_field.related_model
        manager = related_model._base_manager.using(using)
        related = (
            manager.filter(pk__in=pk_set)
            if action != "pre_clear"
            else manager.filter(**{owner_field.related_query_name(): instance})
        )
    if issubclass(owner_field.related_model, Permission):
        if not reverse:
            related = related.select_related("content_type")
        names = sorted(f"{p.content_type.app_label}.{p.codename}" for p in related)
    else:
        names = sorted(str(group) for group in related)
    if not names:
        return
    verb = M2M_VERBS[action]
    if issubclass(owner_field.related_model, Group):
        verb = "Added to" if verb == "added" else "Removed from"
        noun = "group" if len(names) == 1 else "groups"
        summary = f"{verb} {noun} {', '.join(names)}"
        entry_action = Action.GROUP_CHANGE
    else:
        noun = "Permission" if len(names) == 1 else "Permissions"
        summary = f"{noun} {verb}: {', '.join(names)}"
        entry_action = Action.PERMISSION_CHANGE
    entries = [
        audit_entry(
            action=entry_action,
            door=Door.SYSTEM,
            obj=owner,
            fields=[owner_field.name],
            summary=summary,
        )
        for owner in owners
    ]
    _record_on_commit(entries, using=using)


def _owner_field(through, instance, reverse, model):
    """The ManyToManyField this through table belongs to (User.groups, Group.permissions …)."""
    owner = model if reverse else type(instance)
    return next(
        field for field in owner._meta.many_to_many if field.remote_field.through is through
    )


# Writing.


def _record_on_commit(entries, *, using):
    if entries:
        # robust: the change is committed by then; a failed entry is logged, not raised.
        transaction.on_commit(partial(_record, entries), using=using, robust=True)


def _record(entries):
    if _table_exists(router.db_for_write(AuditEntry)):
        audit_record(entries=entries)


def _table_exists(using) -> bool:
    """Whether the audit table exists on `using` (see _table_seen)."""
    if using not in _table_seen:
        connection = connections[using]
        with connection.cursor() as cursor:
            if AuditEntry._meta.db_table in connection.introspection.table_names(cursor):
                _table_seen.add(using)
    return using in _table_seen


def migrated(sender, using, **kwargs):
    """After `migrate` (and `flush`): look for the table now, while the database is set up."""
    _table_seen.discard(using)
    _table_exists(using)
