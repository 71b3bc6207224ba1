"""
Who must pass a second factor, and what a signed-in user still has to do before the admin is
theirs. Pure rules over what the user row says: the facts come annotated on the user that the
authentication backend loads each request (no query of their own), or are looked up here when a
user came some other way.

- A user with an authenticator app verifies each session with it (or with a recovery code),
  whatever their role: someone who opted in is held to it.
- A user in one of NEWSROOM_TWO_FACTOR_REQUIRED_ROLES who has none is sent to set one up.
  Superusers hold every role's permissions, so they count as in a required role whenever any
  role is required.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

# What a signed-in user must still do before using the admin.
VERIFY = "verify"  # enter a code from their authenticator app, or a recovery code
ENROL = "enrol"  # set up an authenticator app: their role requires one


def required_roles() -> list[str]:
    """The names of the roles (groups) whose members must use a second factor."""
    return list(settings.NEWSROOM_TWO_FACTOR_REQUIRED_ROLES)


def user_annotations() -> dict:
    """
    Annotations for a user query that answer `second_factor_due()` without further queries:
    whether the user has a confirmed authenticator app, and whether they are in a required role.
    """
    annotations = {
        "second_factor_enrolled": Exists(
            TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        )
    }
    roles = required_roles()
    if roles:
        memberships = get_user_model().groups.through.objects
        annotations["second_factor_role"] = Exists(
            memberships.filter(user=OuterRef("pk"), group__name__in=roles)
        )
    return annotations


def second_factor_enrolled(user) -> bool:
    """Whether `user` has a confirmed authenticator app."""
    if hasattr(user, "second_factor_enrolled"):
        return user.second_factor_enrolled
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required(user) -> bool:
    """Whether `user`'s role obliges them to use a second factor."""
    roles = required_roles()
    if not roles:
        return False
    if user.is_superuser:
        return True
    if hasattr(user, "second_factor_role"):
        return user.second_factor_role
    return user.groups.filter(name__in=roles).exists()


def second_factor_due(user) -> str | None:
    """
    What a signed-in `user` must do before the admin is theirs this session: VERIFY, ENROL, or
    None (nothing: anonymous, verified already, or neither enrolled nor required).
    """
    if not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None
    if second_factor_enrolled(user):
        return VERIFY
    if second_factor_required(user):
        return ENROL
    return None
