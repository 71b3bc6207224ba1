"""
The partners' write path: creating a partner with its first key, changing it, issuing a new
key and revoking access. Every door (the admin, the shell) goes through these.

Each function checks the partner (`full_clean()`, ValidationError when it is not valid) and
writes it atomically with its audit entry, so a change is recorded exactly when it is saved.
A plain key is returned once, by the function that issued it, and kept nowhere: only its
digest is stored, and entries name a key by its first characters.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from newsroom.audit.models import Action, Door
from newsroom.audit.services import audit_entry, audit_record
from newsroom.partners.keys import key_digest, key_make, key_prefix
from newsroom.partners.models import Partner

# What staff may change on a partner, besides its key and revocation.
EDITABLE_FIELDS = ["name", "contact_email", "notes", "all_sections", "rate_limit"]


@transaction.atomic
def partner_create(
    *, partner: Partner, sections: Iterable = (), by=None, door: str = Door.SHELL
) -> tuple[Partner, str]:
    """
    Save the new, unsaved `partner` with the `sections` it may read and a new key, and return
    it with the plain key: the only time the key exists outside the partner's hands. Raises
    ValidationError when the partner is not valid; nothing is written then.
    """
    key = _key_set(partner)
    partner.revoked_at = None
    partner.full_clean()
    partner.save(force_insert=True)
    partner.sections.set(sections)
    _record(
        partner,
        action=Action.CREATE,
        by=by,
        door=door,
        summary=f"Partner created with access to {_scope(partner)}; "
        f"key issued (starts {partner.key_prefix})",
    )
    return partner, key


@transaction.atomic
def partner_update(
    *, partner: Partner, sections: Iterable | None = None, by=None, door: str = Door.SHELL
) -> Partner:
    """
    Save what was changed on `partner` (name, contact, notes, scope, rate limit), and its
    `sections` when given. Its key and revocation are left as stored: they change only through
    partner_rotate_key() and partner_revoke(). Raises ValidationError when not valid.
    """
    stored = Partner.objects.select_for_update().get(pk=partner.pk)
    for name in ("key_prefix", "key_hash", "key_issued_at", "revoked_at", "created_at"):
        setattr(partner, name, getattr(stored, name))
    partner.full_clean()
    changed = [name for name in EDITABLE_FIELDS if getattr(partner, name) != getattr(stored, name)]
    partner.save()
    if sections is not None:
        before = set(stored.sections.values_list("pk", flat=True))
        partner.sections.set(sections)
        if set(partner.sections.values_list("pk", flat=True)) != before:
            changed.append("sections")
    if changed:
        _record(
            partner,
            action=Action.CHANGE,
            by=by,
            door=door,
            fields=changed,
            summary=f"Changed {', '.join(changed)}; access to {_scope(partner)}",
        )
    return partner


@transaction.atomic
def partner_rotate_key(*, partner: Partner, by=None, door: str = Door.SHELL) -> str:
    """
    Issue `partner` a new key and return it (the only time it is shown): the previous key
    stops working at once. A revoked partner gets access again with the new key.
    """
    stored = Partner.objects.select_for_update().get(pk=partner.pk)
    previous, was_revoked = stored.key_prefix, stored.revoked_at is not None
    key = _key_set(stored)
    stored.revoked_at = None
    stored.full_clean()
    stored.save(
        update_fields=["key_prefix", "key_hash", "key_issued_at", "revoked_at", "updated_at"]
    )
    _copy_key_fields(stored, partner)
    summary = f"New key issued (starts {stored.key_prefix}); the key starting {previous} "
    summary += "was revoked already" if was_revoked else "no longer works"
    _record(
        stored,
        action=Action.CHANGE,
        by=by,
        door=door,
        fields=["key", *(["revoked_at"] if was_revoked else [])],
        summary=summary,
    )
    return key


@transaction.atomic
def partner_revoke(*, partner: Partner, by=None, door: str = Door.SHELL) -> Partner:
    """
    Revoke `partner`'s access now: its key stops working at once. Revoking a partner that is
    revoked already changes nothing and records nothing.
    """
    stored = Partner.objects.select_for_update().get(pk=partner.pk)
    if stored.revoked_at is None:
        stored.revoked_at = timezone.now()
        stored.save(update_fields=["revoked_at", "updated_at"])
        _record(
            stored,
            action=Action.CHANGE,
            by=by,
            door=door,
            fields=["revoked_at"],
            summary=f"Access revoked: the key starting {stored.key_prefix} no longer works",
        )
    _copy_key_fields(stored, partner)
    return partner


def _key_set(partner: Partner) -> str:
    """Give `partner` a new key's digest and prefix, and return the plain key."""
    key = key_make()
    partner.key_hash = key_digest(key)
    partner.key_prefix = key_prefix(key)
    partner.key_issued_at = timezone.now()
    return key


def _copy_key_fields(source: Partner, target: Partner) -> None:
    """The caller's object shows what was written."""
    for name in ("key_prefix", "key_hash", "key_issued_at", "revoked_at", "updated_at"):
        setattr(target, name, getattr(source, name))


def _scope(partner: Partner) -> str:
    if partner.all_sections:
        return "all sections"
    names = sorted(str(section) for section in partner.sections.all())
    return "sections " + ", ".join(names) if names else "no section"


def _record(partner, *, action, by, door, summary, fields=()):
    """One audit entry about `partner`, done by `by`, written in the change's transaction."""
    entry = audit_entry(
        action=action, door=door, user=by, obj=partner, fields=fields, summary=summary
    )
    audit_record(entries=[entry])
