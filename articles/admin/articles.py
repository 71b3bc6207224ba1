"""Articles in the admin: the form with its ordered rows, the workflow, and list actions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import ngettext
from django_prose_editor.widgets import AdminProseEditorWidget

from articles import permissions, services
from articles.admin.article_forms import (
    BODY_EDITOR,
    HEADLINE_LENGTH,
    SEO_DESCRIPTION_LENGTH,
    SEO_TITLE_LENGTH,
    STANDFIRST_LENGTH,
    ArticleAdminForm,
    PositionedInlineForm,
    PositionedInlineFormSet,
    PrefetchedModelChoiceField,
    counted,
)
from articles.admin.common import NewsroomAdminMixin, NewsroomModelAdmin, thumbnail
from articles.admin.previews import PreviewLinksMixin
from articles.admin.revisions import RevisionViewsMixin
from articles.admin.tags import TagSuggestionsMixin
from articles.models import Article, Byline, Correction, RelatedLink


class PositionedInline(NewsroomAdminMixin, admin.TabularInline):
    form = PositionedInlineForm
    formset = PositionedInlineFormSet
    extra = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", PrefetchedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BylineInline(PositionedInline):
    model = Byline
    fields = ["position", "author", "agency", "role"]
    autocomplete_fields = ["author", "agency"]

    def get_queryset(self, request):
        # Each row's heading names its author or agency.
        return super().get_queryset(request).select_related("author", "agency")


class RelatedLinkInline(PositionedInline):
    model = RelatedLink
    fk_name = "article"
    fields = ["position", "target", "url", "title"]
    autocomplete_fields = ["target"]

    def get_queryset(self, request):
        # Each row's heading names the article it links to.
        return super().get_queryset(request).select_related("target")

    verbose_name = "“Read more” link"
    verbose_name_plural = "“Read more” links"


class CorrectionInline(NewsroomAdminMixin, admin.StackedInline):
    """Corrections are appended, never edited or removed: earlier ones are shown read-only."""

    model = Correction
    fields = ["text", "published_at", "created_by"]
    readonly_fields = ["published_at", "created_by"]
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class WorkflowFilter(admin.SimpleListFilter):
    """Where articles stand in the workflow for whoever looks: theirs, to review, scheduled."""

    title = "workflow"
    parameter_name = "workflow"

    def lookups(self, request, model_admin):
        return [
            ("mine", "My articles"),
            ("review", "Awaiting review"),
            ("scheduled", "Scheduled"),
            ("embargoed", "Under embargo"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(created_by=request.user)
        if self.value() == "review":
            return queryset.filter(status=Article.Status.IN_REVIEW)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "embargoed":
            return queryset.filter(embargoed_until__gt=timezone.now())
        return queryset


@admin.register(Article)
class ArticleAdmin(PreviewLinksMixin, RevisionViewsMixin, TagSuggestionsMixin, NewsroomModelAdmin):
    form = ArticleAdminForm
    list_display = ["thumbnail", "headline", "section", "status_badge", "publish_at"]
    list_display_links = ["thumbnail", "headline"]
    list_select_related = ["section", "lead_photo"]
    list_filter = [
        WorkflowFilter,
        "status",
        "article_type",
        "section",
        ("bylines__author", admin.RelatedOnlyFieldListFilter),
        "tags",
    ]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "lead_photo"]
    readonly_fields = [
        "first_published_at",
        "last_updated_at",
        "created_at",
        "modified_at",
        "live_updates",
    ]
    inlines = [BylineInline, RelatedLinkInline, CorrectionInline]
    actions = ["publish_selected", "unpublish_selected", "lift_embargo_selected"]
    save_on_top = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "slug",
                    "standfirst",
                    "dateline",
                    "body",
                    "section",
                    "tags",
                    "article_type",
                    "sponsor",
                ]
            },
        ),
        ("Lead photo", {"fields": ["lead_photo", "lead_photo_caption"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "publish_at",
                    "embargoed_until",
                    "embargo_note",
                    "first_published_at",
                    "last_updated_at",
                    "substantive_change",
                    "created_at",
                    "modified_at",
                ]
            },
        ),
        ("Live blog", {"fields": ["live_updates", "live_ended_at"]}),
        ("Search engines", {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]}),
    ]

    class Media:
        css = {"all": ["articles/admin.css"]}
        js = ["articles/admin.js"]

    @admin.display(description="photo")
    def thumbnail(self, article):
        return thumbnail(article.lead_photo)

    @admin.display(description="updates")
    def live_updates(self, article):
        if article.pk is None or article.article_type != Article.Type.LIVE:
            return "For a live blog (type Live): save it, then post its updates from here."
        return format_html(
            '<a class="button" href="{}?article={}">Post a live update</a> '
            '<a href="{}?article__id__exact={}">All its updates</a>',
            reverse("admin:articles_liveentry_add"),
            article.pk,
            reverse("admin:articles_liveentry_changelist"),
            article.pk,
        )

    @admin.display(description="status", ordering="status")
    def status_badge(self, article):
        if article.is_embargoed:
            until = date_format(timezone.localtime(article.embargoed_until), "j M Y, H:i")
            kind, label = "embargoed", f"Embargoed until {until}"
        elif article.is_scheduled:
            kind, label = "scheduled", "Scheduled"
        else:
            kind, label = article.status, article.get_status_display()
        return format_html('<span class="status status-{}">{}</span>', kind, label)

    # Permissions: the rules are articles.permissions; these hooks apply them to the admin.

    def has_change_permission(self, request, obj=None):
        # Without the right to change `obj`, its page opens read-only and a POST is refused.
        return super().has_change_permission(request, obj) and (
            obj is None or permissions.can_edit(request.user, obj)
        )

    def has_publish_permission(self, request):
        return permissions.can_publish(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self.has_change_permission(request, obj):
            return fieldsets
        # A new article has no update to mark, and a read-only page no choice to show.
        return [
            (
                name,
                {**options, "fields": [f for f in options["fields"] if f != "substantive_change"]},
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not permissions.can_publish(request.user):
            # When an article goes live is the editors' decision, embargoes included.
            readonly += ["publish_at", "embargoed_until", "embargo_note"]
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {
            # Live counters (admin.js) against the lengths search engines and feeds show whole.
            "headline": admin.widgets.AdminTextInputWidget(attrs=counted(HEADLINE_LENGTH)),
            "seo_title": admin.widgets.AdminTextInputWidget(attrs=counted(SEO_TITLE_LENGTH)),
            "seo_description": admin.widgets.AdminTextInputWidget(
                attrs=counted(SEO_DESCRIPTION_LENGTH)
            ),
            "standfirst": forms.Textarea(attrs={"rows": 3, **counted(STANDFIRST_LENGTH)}),
            "body": AdminProseEditorWidget(config=BODY_EDITOR, preset="configurable"),
            "lead_photo_caption": forms.Textarea(attrs={"rows": 3}),
            **kwargs.get("widgets", {}),
        }
        form = super().get_form(request, obj, **kwargs)
        # A class made for this request by modelform_factory: setting it here shares nothing.
        form.user = request.user
        form.stale_message = getattr(request, "stale_message", None)
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        article = obj
        if request.method == "GET" and article is not None and article.is_embargoed:
            # Said plainly at the top of the form: nothing of it is out, whatever its status.
            until = date_format(timezone.localtime(article.embargoed_until), "j F Y, H:i T")
            note = f" ({article.embargo_note})" if article.embargo_note else ""
            self.message_user(
                request,
                f"Under embargo until {until}{note}: readers and partners see nothing of this "
                "story until then. Only the “Lift embargo” action, which is recorded, can "
                "bring it forward.",
                messages.WARNING,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def view_on_site(self, article):
        # This site's own address, not the contrib.sites domain the default link would use;
        # an article readers cannot see yet opens as a staff preview there.
        return article.get_absolute_url()

    # Saving: the form, its rows, tags and new corrections go to the write path in one call,
    # which checks the rules again, writes, and announces the change (revision, audit, pages).

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleSave as stale:
            # Someone saved between this form's checks and its save (the write path holds the
            # row then): its transaction is rolled back, and the form is shown again with
            # everything typed and who saved when.
            request.stale_message = stale.messages[0]
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        pass  # Written with its rows in save_related().

    def save_related(self, request, form, formsets, change):
        rows, corrections = {}, []
        for formset in formsets:
            if isinstance(formset, PositionedInlineFormSet):
                # commit=False fills new_objects/changed_objects/deleted_objects for the message.
                formset.save(commit=False)
                rows[formset.model] = formset.ordered_instances()
            elif formset.model is Correction:
                corrections += [c.text for c in formset.save(commit=False)]
        data = form.cleaned_data
        services.article_save(
            article=form.instance,
            bylines=rows.get(Byline),
            related_links=rows.get(RelatedLink),
            tags=data.get("tags"),
            corrections=corrections,
            substantive=bool(data.get("substantive_change")),
            version=(data.get("version") or "") if change else None,
            user=request.user,
        )

    def delete_model(self, request, obj):
        services.article_delete(article=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article, user=request.user)

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, services.articles_publish, "published")

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._apply(request, queryset, services.articles_unpublish, "unpublished")

    @admin.action(description="Lift the embargo on selected articles", permissions=["publish"])
    def lift_embargo_selected(self, request, queryset):
        lifted = 0
        for article in queryset.order_by("pk"):
            try:
                services.article_lift_embargo(
                    article=article, user=request.user, reason="Lifted from the article list."
                )
            except (ValidationError, PermissionDenied) as error:
                problems = error.messages if isinstance(error, ValidationError) else [str(error)]
                self.message_user(
                    request,
                    f"“{article}”: the embargo was not lifted: {'; '.join(problems)}",
                    messages.ERROR,
                )
            else:
                lifted += 1
        if lifted:
            self.message_user(
                request,
                ngettext(
                    "The embargo on %(count)d article was lifted.",
                    "The embargo on %(count)d articles was lifted.",
                    lifted,
                )
                % {"count": lifted},
                messages.SUCCESS,
            )

    def _apply(self, request, queryset, service, verb):
        outcome = service(articles=list(queryset.order_by("pk")), user=request.user)
        for article, problems in outcome.refused:
            self.message_user(
                request, f"“{article}” was not {verb}: {'; '.join(problems)}", messages.ERROR
            )
        done = len(outcome.done)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d article %(verb)s.", "%(count)d articles %(verb)s.", done)
                % {"count": done, "verb": verb},
                messages.SUCCESS,
            )
