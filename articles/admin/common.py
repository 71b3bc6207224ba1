"""What every newsroom admin page shares: form fields, thumbnails, and history in the audit log."""

from django.contrib import admin
from django.shortcuts import redirect
from django.utils.html import format_html

from articles import renditions, services
from articles.forms import HttpsURLFormField, PhotoFileField
from articles.models import PhotoImageField, URLField
from articles.services import events
from newsroom.audit.admin import audit_history_url

THUMBNAIL_WIDTH = 80


def thumbnail(photo, width=THUMBNAIL_WIDTH, *, small=False):
    """
    An <img> of `photo` `width` pixels wide; with `small`, from its smallest rendition that is
    sharp on high-density screens (read from the row: no query), else from the original.
    """
    if not photo or not photo.image:
        return "—"
    rendition = small and renditions.photo_rendition(
        photo, "original", width=2 * width, image_format="webp"
    )
    height = round(width * photo.height / photo.width) if photo.width else width
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
        rendition.url if rendition else photo.image.url,
        width,
        height,
        photo.alt_text,
    )


class NewsroomAdminMixin:
    """
    Our fields' form fields, and one record of what happened: changes go through the services,
    whose announcements the audit log records (articles.subscribers), so the admin keeps no
    log of its own and its History links to the audit log.
    """

    formfield_overrides = {
        URLField: {"form_class": HttpsURLFormField},
        # Django's own default for image fields (its admin widget) is matched no more once a
        # subclass has an entry: named again here.
        PhotoImageField: {"form_class": PhotoFileField, "widget": admin.widgets.AdminFileWidget},
    }

    def changeform_view(self, *args, **kwargs):
        with events.door(events.Door.ADMIN):
            return super().changeform_view(*args, **kwargs)

    def changelist_view(self, *args, **kwargs):
        # Inline list edits come in through the form door; actions name their own.
        with events.door(events.Door.ADMIN):
            return super().changelist_view(*args, **kwargs)

    def delete_view(self, *args, **kwargs):
        with events.door(events.Door.ADMIN):
            return super().delete_view(*args, **kwargs)

    def response_action(self, request, queryset):
        with events.door(events.Door.ADMIN_ACTION):
            return super().response_action(request, queryset)

    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletions(self, request, queryset):
        return None

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().history_view(request, object_id, extra_context)
        return redirect(audit_history_url(obj))


class NewsroomModelAdmin(NewsroomAdminMixin, admin.ModelAdmin):
    pass


class ContentAdmin(NewsroomModelAdmin):
    """Sections, authors and agencies: saved and deleted through the services."""

    def save_model(self, request, obj, form, change):
        services.content_save(instance=obj, user=request.user, fields=form.changed_data)

    def delete_model(self, request, obj):
        services.content_delete(instance=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.content_delete(instance=obj, user=request.user)
