"""
Sections, authors and agencies: saved and deleted through the write path like articles, so
every door's change is announced (audit, fresh pages) the same way.
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from articles import permissions
from articles.services import events


@transaction.atomic
def content_save(*, instance: models.Model, user=None, fields: Sequence[str] = ()) -> models.Model:
    """
    Validate and save one section, author or agency, and announce it. Raises PermissionDenied
    when `user` may not (None is the system), ValidationError when it is invalid.
    """
    contents_save(instances=[instance], user=user, fields={id(instance): fields})
    return instance


@transaction.atomic
def contents_save(
    *,
    instances: Sequence[models.Model],
    user=None,
    fields: dict[int, Sequence[str]] | None = None,
    validate_unique: bool = True,
) -> None:
    """
    Save any number of sections, authors or agencies in a fixed number of queries per model,
    and announce each. `fields` maps id(instance) to the names changed. Without
    `validate_unique`, the caller has checked uniqueness for the whole set (an import).
    Raises PermissionDenied or ValidationError on the first refused; nothing is written then.
    """
    fields = fields or {}
    by_model: dict[type, tuple[list, list]] = {}
    for instance in instances:
        action = "add" if instance.pk is None else "change"
        if not permissions.can_model(user, action, type(instance)):
            noun = type(instance)._meta.verbose_name_plural
            raise PermissionDenied(f"{user} may not {action} {noun}.")
        instance.full_clean(validate_unique=validate_unique, validate_constraints=validate_unique)
        new, old = by_model.setdefault(type(instance), ([], []))
        (new if instance.pk is None else old).append(instance)
    for model, (new, old) in by_model.items():
        model.objects.bulk_create(new)
        changed = {name for instance in old for name in fields.get(id(instance), ())}
        columns = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        if old:
            model.objects.bulk_update(old, [c for c in columns if c in changed] or columns)
        for instance in new:
            events.record(instance=instance, action=events.Action.CREATE, user=user)
        for instance in old:
            events.record(
                instance=instance,
                action=events.Action.CHANGE,
                user=user,
                fields=fields.get(id(instance), ()),
            )


@transaction.atomic
def content_delete(*, instance: models.Model, user=None) -> None:
    """Delete one section, author or agency and announce it; raises PermissionDenied or
    ProtectedError (while articles still use it)."""
    if not permissions.can_model(user, "delete", type(instance)):
        raise PermissionDenied(f"{user} may not delete {type(instance)._meta.verbose_name_plural}.")
    pk, label = instance.pk, str(instance)
    instance.delete()
    instance.pk = pk
    events.record(instance=instance, action=events.Action.DELETE, user=user, note=label)
