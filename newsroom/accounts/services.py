"""
The second factor's write path: setting up an authenticator app, recovery codes, removing them,
and checking a code at sign-in. Every change and every refused code goes into the audit log.

A code is checked outside any transaction: a wrong one counts towards django-otp's throttle
(each further try waits twice as long as the last), and that count must stay when the request
fails. What a right code unlocks is written atomically with its audit entry.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.audit.models import Action, Door
from newsroom.audit.services import audit_entry, audit_record

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


@dataclass(frozen=True)
class Verified:
    """A code that was accepted: the device it belongs to, and what is left of recovery codes."""

    device: Device
    recovery_codes_left: int | None = None


def code_normalise(code: str) -> str:
    """A code as typed, without spaces or dashes and in lower case (recovery codes are)."""
    return "".join(code.split()).replace("-", "").lower()


def authenticator_pending(*, user) -> TOTPDevice:
    """The authenticator app `user` is setting up: their unconfirmed device, made when missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def two_factor_enable(*, device: TOTPDevice, code: str, ip_address: str | None = None) -> list[str]:
    """
    Confirm the pending `device` with a code it shows, replacing any authenticator app the user
    had, and return a new set of recovery codes (the only time they are shown). Raises
    ValidationError for a wrong or throttled code; nothing but the throttle changes then.
    """
    _code_check(device, code)
    user = device.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_make(user)
        _record(
            action=Action.USER_CHANGE,
            user=user,
            summary="Two-factor authentication set up: an authenticator app and "
            f"{len(codes)} recovery codes",
            ip_address=ip_address,
        )
    return codes


def recovery_codes_replace(*, user, ip_address: str | None = None) -> list[str]:
    """Replace `user`'s recovery codes with a new set and return it; the old ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes_make(user)
        _record(
            action=Action.USER_CHANGE,
            user=user,
            summary=f"New recovery codes made ({len(codes)}); the old ones no longer work",
            ip_address=ip_address,
        )
    return codes


def two_factor_disable(*, user, by=None, door: str = Door.WEB, ip_address: str | None = None):
    """Remove `user`'s authenticator apps and recovery codes; `by` did it (the user by default)."""
    devices = [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]
    devices_remove(devices=devices, by=by, door=door, ip_address=ip_address)


@transaction.atomic
def devices_remove(*, devices, by=None, door: str = Door.WEB, ip_address: str | None = None):
    """
    Delete `devices` (authenticator apps, recovery code sets), with one audit entry for each
    user whose devices they were; `by` did it (each user themselves by default).
    """
    names = {}
    for device in devices:
        names.setdefault(device.user, set()).add(device.name)
        device.delete()
    for user, removed in names.items():
        _record(
            action=Action.USER_CHANGE,
            user=user,
            by=by,
            door=door,
            summary="Two-factor authentication removed: " + ", ".join(sorted(removed)),
            ip_address=ip_address,
        )


def second_factor_check(*, user, code: str, ip_address: str | None = None) -> Verified:
    """
    The device that accepts `code` at sign-in: six digits are checked against the user's
    authenticator app, anything else against their recovery codes (each works once). A use of
    a recovery code, and every refused code, is recorded. Raises ValidationError when refused.
    """
    code = code_normalise(code)
    recovery = not code.isdigit()
    model = StaticDevice if recovery else TOTPDevice
    device = model.objects.filter(user=user, confirmed=True).order_by("pk").first()
    kind = "recovery code" if recovery else "code from the authenticator app"
    try:
        if device is None:
            raise ValidationError(
                "You have no recovery codes left. Use your authenticator app."
                if recovery
                else "You have no authenticator app. Use a recovery code.",
                code="no_device",
            )
        _code_check(device, code)
    except ValidationError as error:
        _record(
            action=Action.LOGIN_FAILED,
            user=user,
            summary=f"Second factor refused: {kind} ({error.messages[0]})",
            ip_address=ip_address,
        )
        raise
    if not recovery:
        return Verified(device)
    left = device.token_set.count()
    _record(
        action=Action.LOGIN,
        user=user,
        summary=f"Signed in with a recovery code; {left} left",
        ip_address=ip_address,
    )
    return Verified(device, recovery_codes_left=left)


def _code_check(device: Device, code: str) -> None:
    """Raise ValidationError unless `device` accepts `code` now (wrong codes are throttled)."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = (details or {}).get("locked_until")
        seconds = max(1, round((wait - timezone.now()).total_seconds())) if wait else None
        raise ValidationError(
            "Too many wrong codes in a row. Wait %(seconds)s seconds, then try again."
            if seconds
            else "Too many wrong codes in a row. Try again later.",
            code="throttled",
            params={"seconds": seconds},
        )
    if not device.verify_token(code_normalise(code)):
        raise ValidationError("That code is not right. Check it and try again.", code="wrong")


def _recovery_codes_make(user) -> list[str]:
    """A new set of recovery codes for `user`, in place of any they had."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        # Six digits are taken for an authenticator app's code at sign-in.
        if not code.isdigit():
            codes.add(code)
    codes = sorted(codes)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _record(*, action, user, summary, ip_address, by=None, door=Door.WEB):
    """One audit entry about `user`'s account, done by `by` (the user themselves by default)."""
    entry = audit_entry(
        action=action,
        door=door,
        user=by or user,
        obj=user,
        summary=summary,
        ip_address=ip_address,
    )
    audit_record(entries=[entry])
