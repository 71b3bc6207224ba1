"""
Partners in the admin, for Administrators and superusers: every save, revocation and new key
goes through newsroom.partners.services, whose audit entries are the record (the History link
leads to them). A new key is shown once, on the page answering the request that issued it:
never in a message, which would keep it in a cookie or the session table until it is read.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext

from newsroom.audit.admin import audit_history_url
from newsroom.audit.models import Door
from newsroom.partners import services
from newsroom.partners.models import Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "key_shown", "scope", "state", "rate", "key_issued_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "all_sections"]
    search_fields = ["name", "contact_email", "key_prefix"]
    fields = [
        "name",
        "contact_email",
        "all_sections",
        "sections",
        "rate_limit",
        "notes",
        "key_shown",
        "key_issued_at",
        "state",
        "created_at",
    ]
    readonly_fields = ["key_shown", "key_issued_at", "state", "created_at"]
    filter_horizontal = ["sections"]
    actions = ["revoke", "issue_new_key"]

    def get_queryset(self, request):
        # The list's scope column names each partner's sections.
        return super().get_queryset(request).prefetch_related("sections")

    @admin.display(description="key starts with", ordering="key_prefix")
    def key_shown(self, partner):
        return f"{partner.key_prefix}…" if partner.key_prefix else "—"

    @admin.display(description="scope")
    def scope(self, partner):
        if partner.all_sections:
            return "All sections"
        return ", ".join(str(section) for section in partner.sections.all()) or "No section"

    @admin.display(description="state", ordering="revoked_at")
    def state(self, partner):
        if partner.revoked_at is None:
            return "Active"
        return f"Revoked {timezone.localtime(partner.revoked_at):%Y-%m-%d %H:%M}"

    @admin.display(description="requests per minute", ordering="rate_limit")
    def rate(self, partner):
        return partner.requests_per_minute

    def has_delete_permission(self, request, obj=None):
        # Revoked, never deleted: the partner stays beside its history in the audit log.
        return False

    def save_model(self, request, obj, form, change):
        sections = form.cleaned_data.get("sections", [])
        if change:
            services.partner_update(
                partner=obj, sections=sections, by=request.user, door=Door.ADMIN
            )
        else:
            _, key = services.partner_create(
                partner=obj, sections=sections, by=request.user, door=Door.ADMIN
            )
            request._partner_keys = [(obj, key)]

    def save_related(self, request, form, formsets, change):
        # The sections were saved by the service, with the partner.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def response_add(self, request, obj, post_url_continue=None):
        keys = getattr(request, "_partner_keys", None)
        if keys:
            return key_page(request, keys, title="Partner added: its API key")
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description="Revoke the selected partners' keys", permissions=["change"])
    def revoke(self, request, queryset):
        # Those revoked already stay as they are.
        partners = list(queryset.filter(revoked_at__isnull=True))
        for partner in partners:
            services.partner_revoke(partner=partner, by=request.user, door=Door.ADMIN_ACTION)
        self.message_user(
            request,
            ngettext(
                "Revoked %d partner's key: it no longer works.",
                "Revoked %d partners' keys: they no longer work.",
                len(partners),
            )
            % len(partners),
            messages.SUCCESS,
        )

    @admin.action(description="Issue a new key to the selected partners", permissions=["change"])
    def issue_new_key(self, request, queryset):
        keys = []
        for partner in queryset:
            try:
                key = services.partner_rotate_key(
                    partner=partner, by=request.user, door=Door.ADMIN_ACTION
                )
            except ValidationError as error:
                self.message_user(request, f"{partner}: {' '.join(error.messages)}", messages.ERROR)
                continue
            keys.append((partner, key))
        if not keys:
            return None
        return key_page(request, keys, title="New API keys")

    def log_addition(self, request, obj, message):
        return None  # The audit log records it (newsroom.partners.services).

    def log_change(self, request, obj, message):
        return None

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().history_view(request, object_id, extra_context)
        return redirect(audit_history_url(obj))


def key_page(request, keys, *, title):
    """The only page that ever shows these keys: kept by no cache, the browser's included."""
    context = {
        **admin.site.each_context(request),
        "title": title,
        "keys": keys,
        "opts": Partner._meta,
    }
    response = render(request, "partners/key_issued.html", context)
    add_never_cache_headers(response)
    return response
