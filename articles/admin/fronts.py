"""
Fronts in the admin: editors pin stories to the home page or a section's page, now or from a
time they choose, preview an arrangement, read a front's history and make a past arrangement
live again. Every change goes through the services (articles.services.fronts).
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles import services
from articles.admin.common import NewsroomModelAdmin
from articles.models import FrontArrangement, FrontSlot
from articles.models.fronts import MAX_PINNED


class FrontSlotForm(forms.ModelForm):
    # Not the model's position: the rows are numbered anew, in this order, when saved.
    order = forms.IntegerField(
        label="position",
        required=False,
        min_value=0,
        max_value=99,
        help_text="Lowest first: the first story leads. Empty: after the numbered ones.",
    )

    class Meta:
        model = FrontSlot
        fields = ["article"]


class FrontSlotInline(admin.TabularInline):
    model = FrontSlot
    form = FrontSlotForm
    fields = ["order", "article"]
    autocomplete_fields = ["article"]
    extra = MAX_PINNED
    max_num = MAX_PINNED
    can_delete = False
    verbose_name = "pinned story"
    verbose_name_plural = "pinned stories (the first leads)"

    @staticmethod
    def ordered_articles(formset):
        """The articles of the filled rows, in the order their positions give."""
        rows = [
            (form.cleaned_data.get("order"), index, form.cleaned_data["article"])
            for index, form in enumerate(formset.forms)
            if form.cleaned_data.get("article")
        ]
        rows.sort(key=lambda row: (row[0] is None, row[0] or 0, row[1]))
        return [article for _, _, article in rows]


class FrontArrangementForm(forms.ModelForm):
    takes_effect_at = forms.SplitDateTimeField(
        label="takes effect",
        required=False,
        widget=admin.widgets.AdminSplitDateTime,
        help_text="Leave empty to change the front now; a future time schedules the change.",
    )

    class Meta:
        model = FrontArrangement
        # The time is the form's own field: empty means now, which the model cannot say.
        fields = ["section", "note"]

    def clean_takes_effect_at(self):
        when = self.cleaned_data.get("takes_effect_at")
        if when is not None and when < timezone.now() - timedelta(minutes=1):
            raise ValidationError("That time has passed: leave it empty to change the front now.")
        return when


class ArrangementState(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("scheduled", "Scheduled")]

    def queryset(self, request, queryset):
        if self.value() == "scheduled":
            return queryset.upcoming()
        return queryset


@admin.register(FrontArrangement)
class FrontArrangementAdmin(NewsroomModelAdmin):
    form = FrontArrangementForm
    fields = ["section", "takes_effect_at", "note"]
    inlines = [FrontSlotInline]
    list_display = ["front_name", "takes_effect_at", "state", "pinned", "note", "preview"]
    list_filter = [ArrangementState, ("section", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["section"]
    actions = ["restore_selected"]
    autocomplete_fields = ["section"]

    def get_queryset(self, request):
        slots = FrontSlot.objects.select_related("article").order_by("position")
        return super().get_queryset(request).prefetch_related(Prefetch("slots", queryset=slots))

    # An arrangement is history once made: read, restored or (while scheduled) called off.

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_scheduled)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="front", ordering="section__name")
    def front_name(self, arrangement):
        return arrangement.front_name

    @admin.display(description="state")
    def state(self, arrangement):
        if arrangement.is_scheduled:
            return format_html('<span class="status status-scheduled">{}</span>', "Scheduled")
        return "In effect or earlier"

    @admin.display(description="pinned stories")
    def pinned(self, arrangement):
        slots = list(arrangement.slots.all())
        if not slots:
            return "None: the front fills itself by recency"
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li>{}</li>", ((slot.article.headline,) for slot in slots)),
        )

    @admin.display(description="preview")
    def preview(self, arrangement):
        return format_html(
            '<a href="{}?front={}">Preview</a>', arrangement.get_absolute_url(), arrangement.pk
        )

    # Saving: the form and its rows go to the write path in one call.

    def save_model(self, request, obj, form, change):
        pass  # Written with its stories in save_related().

    def save_related(self, request, form, formsets, change):
        [slots] = [formset for formset in formsets if formset.model is FrontSlot]
        slots.save(commit=False)  # For the admin's message.
        arrangement = services.front_arrange(
            section=form.cleaned_data.get("section"),
            articles=FrontSlotInline.ordered_articles(slots),
            takes_effect_at=form.cleaned_data.get("takes_effect_at"),
            note=form.cleaned_data.get("note", ""),
            user=request.user,
        )
        form.instance.pk, form.instance.takes_effect_at = (
            arrangement.pk,
            arrangement.takes_effect_at,
        )

    def delete_model(self, request, obj):
        services.front_cancel(arrangement=obj, user=request.user)

    @admin.action(description="Make the selected arrangement the front's again, now")
    def restore_selected(self, request, queryset):
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(request, "Choose one arrangement to restore.", messages.WARNING)
            return
        try:
            restored = services.front_restore(arrangement=chosen[0], user=request.user)
        except (ValidationError, PermissionDenied) as error:
            problems = error.messages if isinstance(error, ValidationError) else [str(error)]
            self.message_user(request, " ".join(problems), messages.ERROR)
            return
        when = timezone.localtime(restored.takes_effect_at).strftime("%d %b %Y %H:%M")
        self.message_user(request, f"{restored.front_name} is arranged as before, from {when}.")
