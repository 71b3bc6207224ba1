"""
What the write path announces: every committed change, once, to every subscriber.

A service records each change it makes (`record()`): which object, what was done, which
fields, by whom, through which door (the admin, an import, a restore …, set by the door with
`door()`). Nothing is announced until the transaction commits; then the changes of the whole
transaction go out together, once, to the subscribers (`subscribe()`), which make the
revisions, the audit entries, stale pages and background tasks. A rolled-back transaction, or
a rolled-back savepoint inside one, announces nothing of what it undid.
"""

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models

# The doors and actions the write path announces are the audit log's: one list of each.
from newsroom.audit.models import Action, Door

__all__ = ["Action", "Change", "Door", "current_door", "door", "record", "subscribe"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """One committed change to one object."""

    model: type[models.Model]
    pk: object
    action: str
    door: str
    user: object = None
    fields: tuple[str, ...] = ()
    label: str = ""
    note: str = ""
    # Where an anonymous visitor's request came from (a preview link opened), else None.
    ip_address: str | None = None


@dataclass(frozen=True)
class _DoorState:
    door: str
    note: str = ""


_SHELL = _DoorState(Door.SHELL)
_current_door: ContextVar[_DoorState | None] = ContextVar("newsroom_door", default=None)
_subscribers: list[Callable[[Sequence[Change]], None]] = []


@contextmanager
def door(name: str, *, note: str = "") -> Iterator[None]:
    """Changes recorded inside come in through door `name`; `note` says more ("Imported from …")."""
    token = _current_door.set(_DoorState(name, note))
    try:
        yield
    finally:
        _current_door.reset(token)


def current_door() -> tuple[str, str]:
    """(door, note) that changes recorded now are attributed to."""
    state = _current_door.get() or _SHELL
    return state.door, state.note


def subscribe(subscriber: Callable[[Sequence[Change]], None]) -> None:
    """Call `subscriber` with the changes of every committed transaction; registered once."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def record(
    *,
    instance: models.Model,
    action: str,
    user=None,
    fields: Sequence[str] = (),
    note: str = "",
    ip_address: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> Change:
    """
    Record that `instance` was changed by `action`, to be announced when the current transaction
    commits (at once outside a transaction). Call it after the write succeeded.
    """
    door_name, door_note = current_door()
    change = Change(
        model=type(instance),
        pk=instance.pk,
        action=action,
        door=door_name,
        user=user,
        fields=tuple(fields),
        label=str(instance)[:200],
        note=note or door_note,
        ip_address=ip_address,
    )
    connection = connections[using]
    if not connection.in_atomic_block:
        _announce([change])
        return change
    _add(connection, change)
    return change


class _Marker:
    """
    The changes recorded at one savepoint depth. Django drops a commit hook registered inside a
    savepoint that is rolled back; a marker that runs therefore tells that its changes held.
    """

    def __init__(self, savepoints):
        self.savepoints = savepoints
        self.changes = []
        self.committed = False

    def __call__(self):
        self.committed = True


@dataclass
class _Flush:
    """
    The announcement of one transaction: registered after every marker (so it sees which held)
    and outside any savepoint (it must outlive the rollback of one). A newer flush, registered
    with a later marker, takes over its markers and leaves it with nothing to announce.
    """

    markers: list[_Marker] = field(default_factory=list)
    done: bool = False

    def __call__(self):
        self.done = True
        _announce([c for marker in self.markers if marker.committed for c in marker.changes])


def _add(connection, change):
    flush = _pending(connection)
    savepoints = frozenset(connection.savepoint_ids)
    marker = flush.markers[-1] if flush.markers else None
    if marker is None or marker.savepoints != savepoints:
        marker = _Marker(savepoints)
        connection.on_commit(marker)
        markers, flush.markers = [*flush.markers, marker], []
        flush = _Flush(markers)
        # Registered directly with no savepoint: Django would drop it with the savepoint.
        connection.run_on_commit.append((set(), flush, False))
    marker.changes.append(change)


def _pending(connection) -> _Flush:
    """The announcement being gathered in this transaction (usually the last hook), or a new one."""
    for _, func, _ in reversed(connection.run_on_commit):
        if isinstance(func, _Flush) and not func.done:
            return func
    return _Flush()


def _announce(changes: list[Change]) -> None:
    if not changes:
        return
    for subscriber in list(_subscribers):
        try:
            subscriber(changes)
        except Exception:
            # The change is committed; one failing subscriber must not keep it from the others.
            logger.exception("Subscriber %s failed on %d change(s)", subscriber, len(changes))
            if getattr(settings, "NEWSROOM_EVENTS_RAISE", False):
                raise
