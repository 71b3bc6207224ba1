"""
Live updates in the admin: one short form per update, opened from the live blog (its article
already chosen); *Save and add another* keeps the blog for the next one. Each save goes
through the services (articles.services.live), which keep a revision of it.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_prose_editor.widgets import AdminProseEditorWidget

from articles import services
from articles.admin.article_forms import UPDATE_EDITOR
from articles.admin.common import NewsroomModelAdmin
from articles.models import Article, LiveEntry, LiveEntryRevision


class LiveEntryForm(forms.ModelForm):
    class Meta:
        model = LiveEntry
        fields = [
            "article",
            "title",
            "body",
            "photo",
            "photo_caption",
            "author",
            "agency",
            "pinned",
            "key_event",
            "published_at",
        ]
        widgets = {
            "body": AdminProseEditorWidget(config=UPDATE_EDITOR, preset="configurable"),
            "photo_caption": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        if data.get("author") and data.get("agency"):
            raise ValidationError("Give an author or an agency, not both.")
        article = data.get("article")
        if article is not None and self.instance.pk is None and article.live_ended_at:
            self.add_error("article", "This live blog has ended: it takes no new updates.")
        return data


class LiveEntryRevisionInline(admin.TabularInline):
    model = LiveEntryRevision
    fields = ["created_at", "created_by", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "earlier versions"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LiveEntry)
class LiveEntryAdmin(NewsroomModelAdmin):
    form = LiveEntryForm
    list_display = ["published_at", "summary", "article", "pinned", "key_event"]
    list_display_links = ["published_at", "summary"]
    list_filter = ["pinned", "key_event", ("article", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article"]
    search_fields = ["title", "body", "article__headline"]
    autocomplete_fields = ["article", "photo", "author", "agency"]
    inlines = [LiveEntryRevisionInline]
    date_hierarchy = "published_at"

    class Media:
        # The rich-text editor's toolbar as on the article form.
        css = {"all": ["articles/admin.css"]}

    @admin.display(description="update")
    def summary(self, entry):
        return entry.summary

    def get_changeform_initial_data(self, request):
        # Opened from a live blog (?article=<id>): the blog is chosen already.
        return {"article": request.GET.get("article")}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            kwargs["queryset"] = Article.objects.filter(article_type=Article.Type.LIVE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        try:
            services.live_entry_save(entry=obj, user=request.user, fields=form.changed_data)
        except ValidationError as error:
            # Checked again in the write path (a blog ended while the form was open): said
            # plainly, and nothing saved.
            raise PermissionDenied(" ".join(error.messages)) from None

    def delete_model(self, request, obj):
        services.live_entry_delete(entry=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for entry in queryset.select_related("article"):
            services.live_entry_delete(entry=entry, user=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST:
            self.message_user(request, f"Posted “{obj.summary}”.", messages.SUCCESS)
            url = reverse("admin:articles_liveentry_add")
            return HttpResponseRedirect(f"{url}?article={obj.article_id}")
        return super().response_add(request, obj, post_url_continue)
