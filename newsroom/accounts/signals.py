"""
Lockouts into the audit log. Each failed sign-in is recorded by newsroom.audit already; this
adds the moment django-axes starts refusing an account or an address.
"""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from newsroom.audit.models import Action, Door
from newsroom.audit.services import audit_entry, audit_record


def connect():
    """Connect the receivers: called once, from AccountsConfig.ready()."""
    user_locked_out.connect(locked_out, dispatch_uid="accounts-locked-out")


def locked_out(sender, request, username, ip_address, **kwargs):
    """
    Record the failed sign-in that started a lockout. While it lasts, axes sends this again for
    each refused try, which newsroom.audit records as a failed sign-in: no second entry then.
    """
    failures = getattr(request, "axes_failures_since_start", None)
    limit = settings.AXES_FAILURE_LIMIT
    if failures is not None and failures > limit:
        return
    User = get_user_model()
    account = (
        User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if username
        else None
    )
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    entry = audit_entry(
        action=Action.LOGIN_FAILED,
        door=Door.ADMIN if request.path.startswith(reverse("admin:index")) else Door.WEB,
        obj=account,
        summary=f"Locked out after {failures or limit} failed sign-ins: "
        f"sign-in is refused for {minutes} minutes",
        # Ours (newsroom.accounts.network.client_ip): a valid address or None.
        ip_address=ip_address,
    )
    entry.username = username or ""
    audit_record(entries=[entry])
