"""
Writing the audit log. `audit_record()` (and, for thousands at once, `audit_record_rows()`)
is the only way entries are written; `audit_entry()` builds one for an object without
writing it.
"""

from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models

from newsroom.audit.models import AppendOnlyError, AuditEntry
from newsroom.db import insert_rows

# Rows per INSERT; the database's own limit on query parameters may make batches smaller.
BATCH_SIZE = 500
# Text fields shortened to their limit rather than refused: a long headline or summary must not
# cost the entry.
SHORTENED_FIELDS = ["username", "object_repr", "summary"]
# Checked by the database or by the code that made the entry: looking them up would cost a
# query per entry.
UNCHECKED_FIELDS = ["user", "content_type"]


def audit_entry(
    *,
    action: str,
    door: str,
    user=None,
    obj: models.Model | None = None,
    fields: Iterable[str] = (),
    summary: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    """An unsaved entry about `obj`: its kind, pk and name as they are now."""
    entry = AuditEntry(
        action=action,
        door=door,
        # An anonymous visitor is nobody: the entry then reads as the system's.
        user=user if getattr(user, "is_authenticated", False) else None,
        fields=list(fields),
        summary=summary,
        ip_address=ip_address,
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = "" if obj.pk is None else str(obj.pk)
        entry.object_repr = str(obj)
    return entry


def audit_record(*, entries: Sequence[AuditEntry]) -> list[AuditEntry]:
    """
    Write the unsaved `entries` and return them saved: all or none, in a fixed number of queries
    (one INSERT per BATCH_SIZE entries, plus one to read usernames when an entry has only a user
    id). Each entry's username is filled in from its user when empty, and its name and summary
    are shortened to their limits. Raises ValidationError for an unknown action or door, and
    AppendOnlyError for an entry that was saved already; nothing is written then.
    """
    entries = _prepared(entries)
    return AuditEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE) if entries else []


# The entry's fields as audit_record_rows() writes them.
_COLUMNS = [
    "at",
    "user_id",
    "username",
    "action",
    "door",
    "content_type_id",
    "object_id",
    "object_repr",
    "fields",
    "summary",
    "ip_address",
]


def audit_record_rows(*, entries: Sequence[AuditEntry]) -> int:
    """
    Write `entries` as audit_record() does, checked the same way, as plain rows: for the
    thousands a single import makes, when no caller needs them back. Returns how many.
    """
    entries = _prepared(entries)
    rows = ([getattr(entry, name) for name in _COLUMNS] for entry in entries)
    return insert_rows(AuditEntry, _COLUMNS, rows)


def _prepared(entries):
    """Entries filled in, shortened and checked for writing; raises as audit_record() says."""
    entries = list(entries)
    if not entries:
        return []
    _usernames_fill(entries)
    for entry in entries:
        if not entry._state.adding:
            raise AppendOnlyError(f"Audit entry {entry.pk} was written already.")
        entry.fields = [str(name) for name in entry.fields or []]
        for name in SHORTENED_FIELDS:
            limit = AuditEntry._meta.get_field(name).max_length
            value = getattr(entry, name) or ""
            if len(value) > limit:
                setattr(entry, name, value[: limit - 1] + "…")
        entry.clean_fields(exclude=UNCHECKED_FIELDS)
    return entries


def _usernames_fill(entries: list[AuditEntry]) -> None:
    """Give entries without a username their user's, reading uncached users in one query."""
    missing = [entry for entry in entries if not entry.username and entry.user_id is not None]
    uncached = {entry.user_id for entry in missing if not AuditEntry.user.is_cached(entry)}
    users = get_user_model()._base_manager.in_bulk(uncached) if uncached else {}
    for entry in missing:
        user = entry.user if AuditEntry.user.is_cached(entry) else users.get(entry.user_id)
        if user is not None:
            entry.username = user.get_username()
