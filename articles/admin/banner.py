"""
The breaking-news banner in the admin: switching one on is adding it (it replaces any shown);
the list's action switches it off. A banner is not edited afterwards: switch on a new one.
Every change goes through the services (articles.services.banner).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from articles import services
from articles.admin.common import NewsroomModelAdmin
from articles.models import Article, Banner


@admin.register(Banner)
class BannerAdmin(NewsroomModelAdmin):
    fields = ["text", "article"]
    list_display = ["text", "article", "shown_from", "shown_until", "state"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    actions = ["switch_off"]

    @admin.display(description="state")
    def state(self, banner):
        return "On" if banner.is_on else "Off"

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            kwargs["queryset"] = Article.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        banner = services.banner_show(
            text=form.cleaned_data["text"],
            article=form.cleaned_data.get("article"),
            user=request.user,
        )
        obj.pk = banner.pk

    @admin.action(description="Switch the breaking-news banner off")
    def switch_off(self, request, queryset):
        try:
            hidden = services.banner_hide(user=request.user)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        said = "The banner is off." if hidden else "No banner was on."
        self.message_user(request, said, messages.SUCCESS if hidden else messages.WARNING)
