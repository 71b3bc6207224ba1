from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext
from django_prose_editor.widgets import AdminProseEditorWidget

from articles import permissions, renditions, revisions, services
from articles.forms import PhotoAdminForm
from articles.models import (
    Agency,
    Article,
    Author,
    Byline,
    Correction,
    Photo,
    RelatedLink,
    Section,
)
from articles.validators import validate_tag_name

THUMBNAIL_WIDTH = 80
# The photo fields its renditions are made from.
RENDITION_INPUTS = {"image", "focal_point_x", "focal_point_y"}


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


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "in_navigation"]
    list_editable = ["order", "in_navigation"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["portrait_thumbnail", "name", "job_title", "slug"]
    list_display_links = ["portrait_thumbnail", "name"]
    list_select_related = ["portrait"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "job_title"]
    autocomplete_fields = ["portrait"]

    @admin.display(description="portrait")
    def portrait_thumbnail(self, author):
        return thumbnail(author.portrait, width=48)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "website"]
    prepopulated_fields = {"slug": ["short_name"]}
    search_fields = ["name", "short_name"]


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
class PhotoAdmin(admin.ModelAdmin):
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
            {"fields": ["creator", "credit_line", "copyright_notice", "source", "taken_at"]},
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
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if not change or RENDITION_INPUTS & set(form.changed_data):
            # Made from what the database holds once the change is committed; a rolled-back
            # save makes none.
            transaction.on_commit(partial(services.photo_renditions_make, photo=obj))
        if form.cleaned_data.get("held_upload"):
            # The held copy of the upload (used, or replaced by another file) is not needed now.
            token = form.cleaned_data["held_upload"]
            transaction.on_commit(partial(services.photo_upload_release, token=token))


# Recommended lengths, in characters: Google shows about 60 of a title and 160 of a
# description, and asks for headlines of at most 110; a standfirst is a sentence or two.
HEADLINE_LENGTH = 110
SEO_TITLE_LENGTH = 60
SEO_DESCRIPTION_LENGTH = 160
STANDFIRST_LENGTH = 250


def counted(length):
    """Widget attributes for admin.js's live character counter against `length`."""
    return {"data-recommended-length": length}


# The body editor offers only what the sanitiser keeps (articles.html); the sanitiser stays the
# authority on save, whatever a browser sends.
BODY_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [2, 3]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HardBreak": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        "History": True,
    }
}


class ArticleAdminForm(forms.ModelForm):
    substantive_change = forms.BooleanField(
        label="Substantive change",
        required=False,
        help_text="Tick when this change matters to readers: the article then shows "
        "“Updated” with the time of this save. Leave it for typos and small fixes.",
    )
    # When the article was last saved as this form opened (rendered by the change_form
    # template): a save of a form someone else has saved over since is refused.
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    # Who fills the form in, set by ArticleAdmin.get_form(): it decides the statuses offered.
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            allowed = permissions.allowed_statuses(self.user)
            # Only the menu is narrowed: a forged status reaches clean_status() and its message.
            self.fields["status"].widget.choices = [
                choice for choice in self.fields["status"].choices if choice[0] in allowed
            ]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status not in permissions.allowed_statuses(self.user):
            raise ValidationError(permissions.REFUSED_PUBLISHING, code="may_not_publish")
        return status

    def clean_tags(self):
        tags = self.cleaned_data["tags"]
        for name in tags:
            validate_tag_name(name)
        return tags

    def get_initial_for_field(self, field, field_name):
        if field_name == "version":
            return revisions.version(self.instance)
        return super().get_initial_for_field(field, field_name)

    def clean(self):
        cleaned_data = super().clean()
        # A form posted without a version (not rendered by the admin) is not checked.
        if self.instance.pk and cleaned_data.get("version"):
            stale = revisions.stale_save_message(
                article=self.instance, form_version=cleaned_data["version"]
            )
            if stale:
                raise ValidationError(stale, code="stale")
        return cleaned_data


class PositionedInlineFormSet(forms.BaseInlineFormSet):
    """Rows in the order the editor gives; a row with no position goes last."""

    def ordered_instances(self):
        rows = [
            (form.cleaned_data.get("position"), index, form.instance)
            for index, form in enumerate(self.forms)
            if form.has_changed() or form.instance.pk
            if form not in self.deleted_forms
        ]
        rows.sort(key=lambda row: (row[0] is None, row[0] or 0, row[1]))
        return [instance for _, _, instance in rows]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        services.article_rows_check(
            article=self.instance, model=self.model, rows=self.ordered_instances()
        )


class PositionedInlineForm(forms.ModelForm):
    position = forms.IntegerField(
        label="position", required=False, min_value=0, widget=forms.NumberInput(attrs={"size": 3})
    )

    def _get_validation_exclusions(self):
        # Positions are renumbered on save, so a clash with a row about to move is no error.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("position")
        return exclusions


class BylineInline(admin.TabularInline):
    model = Byline
    form = PositionedInlineForm
    formset = PositionedInlineFormSet
    fields = ["position", "author", "agency", "role"]
    autocomplete_fields = ["author", "agency"]
    extra = 1

    def get_queryset(self, request):
        # Each row's heading names its author or agency.
        return super().get_queryset(request).select_related("author", "agency")


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    form = PositionedInlineForm
    formset = PositionedInlineFormSet
    fields = ["position", "target", "url", "title"]
    autocomplete_fields = ["target"]
    extra = 1

    def get_queryset(self, request):
        # Each row's heading names the article it links to.
        return super().get_queryset(request).select_related("target")

    verbose_name = "“Read more” link"
    verbose_name_plural = "“Read more” links"


class CorrectionInline(admin.StackedInline):
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
        return [("mine", "My articles"), ("review", "Awaiting review"), ("scheduled", "Scheduled")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(created_by=request.user)
        if self.value() == "review":
            return queryset.filter(status=Article.Status.IN_REVIEW)
        if self.value() == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["thumbnail", "headline", "section", "status_badge", "publish_at"]
    list_display_links = ["thumbnail", "headline"]
    list_select_related = ["section", "lead_photo"]
    list_filter = [
        WorkflowFilter,
        "status",
        "section",
        ("bylines__author", admin.RelatedOnlyFieldListFilter),
        "tags",
    ]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "lead_photo"]
    readonly_fields = ["first_published_at", "last_updated_at", "created_at", "modified_at"]
    inlines = [BylineInline, RelatedLinkInline, CorrectionInline]
    actions = ["publish_selected", "unpublish_selected"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body", "section", "tags"]}),
        ("Lead photo", {"fields": ["lead_photo", "lead_photo_caption"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "publish_at",
                    "first_published_at",
                    "last_updated_at",
                    "substantive_change",
                    "created_at",
                    "modified_at",
                ]
            },
        ),
        ("Search engines", {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]}),
    ]

    class Media:
        css = {"all": ["articles/admin.css"]}
        js = ["articles/admin.js"]

    @admin.display(description="photo")
    def thumbnail(self, article):
        return thumbnail(article.lead_photo)

    @admin.display(description="status", ordering="status")
    def status_badge(self, article):
        if article.is_scheduled:
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
            # When an article goes live is the editors' decision.
            readonly.append("publish_at")
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
        return form

    def view_on_site(self, article):
        # This site's own address, not the contrib.sites domain the default link would use;
        # an article readers cannot see yet opens as a staff preview there.
        return article.get_absolute_url()

    def save_model(self, request, obj, form, change):
        # The form offers no more than this; checked again where the article is written.
        if obj.status not in permissions.allowed_statuses(request.user):
            raise PermissionDenied(permissions.REFUSED_PUBLISHING)
        if not change:
            obj.created_by = request.user
        old_slug = form.initial.get("slug", "") if change else ""
        super().save_model(request, obj, form, change)
        services.article_slug_changed(article=obj, old_slug=old_slug)
        if form.cleaned_data.get("substantive_change"):
            services.article_mark_updated(article=obj)

    def save_formset(self, request, form, formset, change):
        if isinstance(formset, PositionedInlineFormSet):
            # commit=False fills new_objects/changed_objects/deleted_objects for the change log.
            formset.save(commit=False)
            services.article_rows_replace(
                article=form.instance, model=formset.model, rows=formset.ordered_instances()
            )
        elif formset.model is Correction:
            for correction in formset.save(commit=False):
                services.article_correction_add(
                    article=form.instance, text=correction.text, user=request.user
                )
        else:
            super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Taken after the tags and inlines are saved: the revision is the article readers see.
        services.article_revision_save(article=form.instance, user=request.user)

    # Revisions: an article's saves, the difference between two, and restoring one.

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name=f"{name}_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.revisions_compare_view),
                name=f"{name}_revisions_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                view(self.revision_restore_view),
                name=f"{name}_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _revisions_article(self, request, object_id, *, change=False):
        """The article of a revisions page, if the user may see it (or, with `change`, edit it)."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if change:
            allowed = self.has_change_permission(request, article)
        else:
            allowed = self.has_view_or_change_permission(request, article)
        if not allowed:
            raise PermissionDenied
        return article

    def _revisions_response(self, request, template, article, title, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "can_restore": self.has_change_permission(request, article),
            **context,
        }
        return TemplateResponse(request, f"admin/articles/article/{template}", context)

    def revisions_view(self, request, object_id):
        article = self._revisions_article(request, object_id)
        saved = list(article.revisions.select_related("created_by").defer("data"))
        # Newest first: each revision's predecessor is the next one in the list.
        rows = list(zip(saved, [*saved[1:], None], strict=True))
        return self._revisions_response(
            request, "revisions.html", article, f"Revisions of “{article}”", rows=rows
        )

    def revisions_compare_view(self, request, object_id):
        article = self._revisions_article(request, object_id)
        try:
            chosen = {int(request.GET["old"]), int(request.GET["new"])}
        except (KeyError, ValueError):
            raise Http404("Choose two revisions to compare.") from None
        pair = sorted(
            article.revisions.select_related("created_by").filter(pk__in=chosen),
            key=lambda revision: (revision.created_at, revision.pk),
        )
        if len(pair) != len(chosen):
            raise Http404("No such revision of this article.")
        old, new = pair[0], pair[-1]
        return self._revisions_response(
            request,
            "revision_compare.html",
            article,
            f"Changes to “{article}”",
            old=old,
            new=new,
            changes=revisions.diff(old.data, new.data),
        )

    def revision_restore_view(self, request, object_id, revision_id):
        article = self._revisions_article(request, object_id, change=True)
        revision = get_object_or_404(article.revisions.select_related("created_by"), pk=revision_id)
        errors = []
        if request.method == "POST":
            try:
                services.article_revision_restore(revision=revision, user=request.user)
            except ValidationError as error:
                errors = error.messages
            else:
                saved_at = revisions.local_time(revision.created_at)
                self.log_change(request, article, f"Restored the version of {saved_at}.")
                self.message_user(
                    request,
                    f"The version of {saved_at} is restored, as a new revision.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        current = revisions.snapshot(article)
        return self._revisions_response(
            request,
            "revision_restore.html",
            article,
            f"Restore an earlier version of “{article}”",
            revision=revision,
            errors=errors,
            changes=revisions.diff(current, revisions.restored(current, revision.data)),
        )

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, services.article_publish, "published")

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._apply(request, queryset, services.article_unpublish, "unpublished")

    def _apply(self, request, queryset, service, verb):
        done = 0
        for article in queryset.select_related("lead_photo"):
            try:
                service(article=article, user=request.user)
            except ValidationError as error:
                problems = "; ".join(
                    message for messages_ in error.message_dict.values() for message in messages_
                )
                self.message_user(
                    request, f"“{article}” was not {verb}: {problems}", messages.ERROR
                )
            else:
                services.article_revision_save(article=article, user=request.user)
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d article %(verb)s.", "%(count)d articles %(verb)s.", done)
                % {"count": done, "verb": verb},
                messages.SUCCESS,
            )
