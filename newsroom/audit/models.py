"""
The audit log: one row per thing someone did, kept as it was written.

Rows are only ever added, through `newsroom.audit.services.audit_record()`. The model and its
QuerySet refuse to update or delete them, which stops the ORM's front doors only: the database
itself does not (no triggers, no revoked grants), so raw SQL, `dbshell`, a migration or
`AuditEntry._base_manager` can still change rows. The base manager is left plain on purpose:
deleting a user or a content type sets the entries' link to NULL through it (`SET_NULL`), and
the entry keeps the name it recorded.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """An audit entry was about to be changed or deleted: the log is append-only."""


class Action(models.TextChoices):
    """What was done. Other apps pass these values; the first ones match the write path's."""

    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    PUBLISH = "publish", "Published"
    UNPUBLISH = "unpublish", "Unpublished"
    SCHEDULE = "schedule", "Scheduled"
    LIFT_EMBARGO = "lift_embargo", "Lifted an embargo"
    RESTORE = "restore", "Restored a revision"
    CORRECT = "correct", "Corrected"
    IMPORT = "import", "Imported"
    UPLOAD = "upload", "Uploaded a photo"
    # Shareable previews of unpublished stories (articles.services.previews).
    PREVIEW_SHARE = "preview_share", "Shared a preview"
    PREVIEW_REVOKE = "preview_revoke", "Revoked a preview link"
    PREVIEW_OPEN = "preview_open", "Opened a preview link"
    LOGIN = "login", "Signed in"
    LOGOUT = "logout", "Signed out"
    LOGIN_FAILED = "login_failed", "Failed to sign in"
    USER_CHANGE = "user_change", "Changed a user"
    GROUP_CHANGE = "group_change", "Changed a group or membership"
    PERMISSION_CHANGE = "permission_change", "Changed permissions"
    OTHER = "other", "Other"
    # Made by the system from what editors wrote (renditions): announced, never recorded here.
    DERIVE = "derive", "Derived"


class Door(models.TextChoices):
    """Which door the change came through. The first ones match the write path's doors."""

    ADMIN = "admin", "Admin form"
    ADMIN_ACTION = "admin_action", "Admin list action"
    IMPORT = "import", "Import"
    RESTORE = "restore", "Revision restore"
    SHELL = "shell", "Shell or script"
    TASK = "task", "Background task"
    API = "api", "API"
    WEB = "web", "Sign-in pages"
    PREVIEW = "preview", "Preview link"
    SYSTEM = "system", "System"


class AuditEntryQuerySet(models.QuerySet):
    """Entries can be read and added; `update()`, `bulk_update()` and `delete()` refuse."""

    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed: the audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted: the audit log is append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        # Refused before its transaction opens, rather than from the update() inside it.
        raise AppendOnlyError("Audit entries cannot be changed: the audit log is append-only.")

    def for_object(self, obj):
        """The entries about `obj`, newest first."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class AuditEntry(models.Model):
    """One thing someone (or the system) did, at a time, through a door. Never changed."""

    at = models.DateTimeField("when", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="user",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        # audit_user_history leads with the user: a second index would only slow the writing.
        db_index=False,
        help_text="Who did it. Empty when the system did it, or once the user is deleted.",
    )
    username = models.CharField(
        "username",
        max_length=150,
        blank=True,
        help_text="The username as it was then, kept when the user is deleted or renamed; for a "
        "failed sign-in, the username that was tried. Empty for the system.",
    )
    action = models.CharField("action", max_length=32, choices=Action.choices)
    door = models.CharField(
        "door",
        max_length=32,
        choices=Door.choices,
        help_text="Which door the change came through: the admin, an import, the sign-in pages …",
    )
    content_type = models.ForeignKey(
        ContentType,
        verbose_name="kind of object",
        # As the admin's own log does: removing a model's content type must not be blocked by
        # the log, and the entry keeps the object's name.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        # audit_object_history leads with the kind of object.
        db_index=False,
    )
    object_id = models.CharField(
        "object ID",
        max_length=255,
        blank=True,
        help_text="The primary key of the object, as text; it stays when the object is deleted.",
    )
    object_repr = models.CharField(
        "object",
        max_length=200,
        blank=True,
        help_text="The object's name at the time, as it was shown then.",
    )
    fields = models.JSONField(
        "changed fields",
        default=list,
        blank=True,
        help_text="The names of the fields that changed (never their values).",
    )
    summary = models.TextField(
        "summary",
        max_length=2000,
        blank=True,
        help_text="The change in words. Example: Added to group Editor.",
    )
    ip_address = models.GenericIPAddressField(
        "IP address",
        null=True,
        blank=True,
        help_text="For sign-ins, sign-outs and preview links opened: the address the request "
        "came from (behind a proxy, the proxy's).",
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [
            # An object's history, a person's doings and one kind of action: each newest first.
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_history"),
            models.Index(fields=["user", "-at"], name="audit_user_history"),
            models.Index(fields=["action", "-at"], name="audit_action_history"),
        ]

    def __str__(self):
        who = self.username or "system"
        what = f" “{self.object_repr}”" if self.object_repr else ""
        when = timezone.localtime(self.at)
        return f"{when:%Y-%m-%d %H:%M} {who}: {self.get_action_display().lower()}{what}"

    def save(self, *, force_insert=False, force_update=False, using=None, update_fields=None):
        """Insert a new entry; an entry that was saved already, or whose pk is taken, refuses."""
        if not self._state.adding or force_update or update_fields is not None:
            raise AppendOnlyError("Audit entries cannot be changed: the audit log is append-only.")
        # An unsaved entry given the pk of an existing row would otherwise overwrite it: Django
        # tries an UPDATE first when the pk is set. Checked here for a clear error; the forced
        # INSERT below fails in the database even if the row appeared meanwhile.
        if (
            self.pk is not None
            and type(self)._base_manager.using(using).filter(pk=self.pk).exists()
        ):
            raise AppendOnlyError(
                f"Audit entry {self.pk} exists already; the audit log is append-only."
            )
        super().save(force_insert=True, using=using)

    def delete(self, using=None, keep_parents=False):
        raise AppendOnlyError("Audit entries cannot be deleted: the audit log is append-only.")
