"""
The audit log in the admin: read by staff with its view permission, written by nobody here.
"""

from collections import defaultdict
from contextlib import suppress
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from newsroom.audit.models import AuditEntry

SUMMARY_LIST_LENGTH = 120


def audit_history_url(obj) -> str:
    """The audit log's list of the entries about `obj`, for a "History" link on its page."""
    content_type = ContentType.objects.get_for_model(obj)
    # Both are lookups the admin allows on any changelist (a local field, and a foreign key's
    # id), and the tests pin that the list is filtered by them.
    query = urlencode({"content_type__id__exact": content_type.pk, "object_id": obj.pk})
    return f"{reverse('admin:audit_auditentry_changelist')}?{query}"


class AuditChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        self.model_admin.object_urls_set(self.result_list)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "who", "action", "door", "object_link", "summary_short"]
    list_filter = [
        "action",
        "door",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    ]
    # The object's link is built from its content type: no query per row.
    list_select_related = ["content_type"]
    date_hierarchy = "at"
    search_fields = ["username", "object_repr", "summary", "object_id"]
    # No list actions at all: "delete selected" least of all.
    actions = None
    fields = [
        "at",
        "user",
        "username",
        "action",
        "door",
        "object_link",
        "content_type",
        "object_id",
        "object_repr",
        "fields",
        "summary",
        "ip_address",
    ]
    readonly_fields = ["object_link"]

    def get_changelist(self, request, **kwargs):
        return AuditChangeList

    # Append-only: nobody adds, changes or deletes an entry here, superusers included. Without
    # the change permission Django shows an entry read-only and refuses a POST.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="user", ordering="username")
    def who(self, entry):
        return entry.username or "system"

    @admin.display(description="object", ordering="object_repr")
    def object_link(self, entry):
        if not hasattr(entry, "_object_url"):
            self.object_urls_set([entry])  # The view page: one entry, one query.
        label = entry.object_repr or entry.object_id or "—"
        if entry._object_url:
            return format_html('<a href="{}">{}</a>', entry._object_url, label)
        return label

    @admin.display(description="summary")
    def summary_short(self, entry):
        return Truncator(entry.summary).chars(SUMMARY_LIST_LENGTH)

    def object_urls_set(self, entries):
        """
        Give each entry the admin URL of its object while the object exists and has an admin
        page (else None): one query for each kind of object among the entries, not per entry.
        """
        wanted = defaultdict(dict)
        for entry in entries:
            entry._object_url = None
            model = entry.content_type.model_class() if entry.content_type_id else None
            if model is None or not entry.object_id or not self.admin_site.is_registered(model):
                continue
            try:
                key = model._meta.pk.to_python(entry.object_id)
            except ValidationError:
                continue
            wanted[model].setdefault(key, []).append(entry)
        for model, by_key in wanted.items():
            existing = model._default_manager.filter(pk__in=list(by_key)).values_list(
                "pk", flat=True
            )
            opts = model._meta
            for key in existing:
                for entry in by_key.get(key, []):
                    with suppress(NoReverseMatch):
                        entry._object_url = reverse(
                            f"admin:{opts.app_label}_{opts.model_name}_change",
                            args=[quote(key)],
                            current_app=self.admin_site.name,
                        )
