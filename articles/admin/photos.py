"""The photo library in the admin: upload with metadata read from the file, usage, rights."""

from functools import partial

from django.contrib import admin
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from articles import permissions, services
from articles.admin.common import NewsroomModelAdmin, thumbnail
from articles.forms import PhotoAdminForm
from articles.models import Article, Author, Photo

# Where a photo is used: each model, with its field that names the photo.
PHOTO_USES = [(Article, "lead_photo"), (Author, "portrait")]


def _photo_uses():
    """How often the outer query's photo is used, drafts included: one subquery per use."""
    counts = [
        Coalesce(
            Subquery(
                model.objects.filter(**{field: OuterRef("pk")})
                .order_by()
                .values(field)
                .annotate(count=Count("pk"))
                .values("count")
            ),
            0,
        )
        for model, field in PHOTO_USES
    ]
    return sum(counts[1:], start=counts[0])


class PhotoUsageFilter(admin.SimpleListFilter):
    """Photos some article leads with or some author has as portrait, and the others."""

    title = "usage"
    parameter_name = "usage"

    def lookups(self, request, model_admin):
        return [("used", "Used"), ("unused", "Unused")]

    def queryset(self, request, queryset):
        used = Q()
        for model, field in PHOTO_USES:
            used |= Q(Exists(model.objects.filter(**{field: OuterRef("pk")})))
        if self.value() == "used":
            return queryset.filter(used)
        if self.value() == "unused":
            return queryset.exclude(used)
        return queryset


@admin.register(Photo)
class PhotoAdmin(NewsroomModelAdmin):
    form = PhotoAdminForm
    list_display = [
        "thumbnail",
        "description",
        "creator",
        "credit_line",
        "taken_at",
        "uploaded_by",
        "uses",
        "created_at",
    ]
    list_display_links = ["thumbnail", "description"]
    list_select_related = ["uploaded_by"]
    list_filter = [PhotoUsageFilter, "source", "created_at"]
    search_fields = ["caption", "alt_text", "creator", "credit_line", "copyright_notice"]
    readonly_fields = ["preview", "dimensions", "content_hash", "uploaded_by"]
    autocomplete_fields = ["source"]
    fieldsets = [
        (
            None,
            {"fields": ["image", "held_upload", "preview", "dimensions", "alt_text", "caption"]},
        ),
        (
            "Rights",
            {
                "fields": [
                    "creator",
                    "credit_line",
                    "copyright_notice",
                    "license_url",
                    "acquire_license_url",
                    "source",
                    "taken_at",
                ]
            },
        ),
        (
            "Cropping and identifiers",
            {
                "classes": ["collapse"],
                "fields": [
                    "focal_point_x",
                    "focal_point_y",
                    "external_id",
                    "content_hash",
                    "uploaded_by",
                ],
            },
        ),
    ]

    class Media:
        css = {"all": ["articles/admin.css"]}
        js = ["articles/focal_point.js"]

    def get_queryset(self, request):
        # Counted in the list's own query: a photo's uses cost no query per row.
        return super().get_queryset(request).annotate(use_count=_photo_uses())

    @admin.display(description="photo")
    def thumbnail(self, photo):
        return thumbnail(photo, small=True)

    @admin.display(description="caption (else alt text)", ordering="caption")
    def description(self, photo):
        return str(photo)

    @admin.display(description="uses", ordering="use_count")
    def uses(self, photo):
        return photo.use_count

    @admin.display(description="preview")
    def preview(self, photo):
        return thumbnail(photo, width=480) if photo.pk else "—"

    @admin.display(description="size")
    def dimensions(self, photo):
        return f"{photo.width} × {photo.height}" if photo.width else "—"

    def has_change_permission(self, request, obj=None):
        # A photo someone else uses can only be read by a reporter: Django then shows the page
        # read-only and refuses a POST.
        if obj is not None and not permissions.can_edit_photo(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Renditions follow the commit, made by a background worker (articles.subscribers).
        services.photo_save(photo=obj, user=request.user, fields=form.changed_data)
        if form.cleaned_data.get("held_upload"):
            # The held copy of the upload (used, or replaced by another file) is not needed now.
            token = form.cleaned_data["held_upload"]
            transaction.on_commit(partial(services.photo_upload_release, token=token))

    def delete_model(self, request, obj):
        services.photo_delete(photo=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for photo in queryset:
            services.photo_delete(photo=photo, user=request.user)
