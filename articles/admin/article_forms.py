"""The article form and its ordered inline rows, as the admin shows and checks them."""

from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone

from articles import permissions, revisions, services
from articles.admin.tags import TagNamesField
from articles.validators import validate_tag_name

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
# authority on save, whatever a browser sends. Inline photos, embeds and tables with their
# caption are our own (articles/static/articles/body-editor.js, registered in settings'
# DJANGO_PROSE_EDITOR_EXTENSIONS); a pull quote is a quote with its class.
TEXT_EDITOR_EXTENSIONS = {
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
BODY_EDITOR = {
    "extensions": {
        **TEXT_EDITOR_EXTENSIONS,
        "NodeClass": {
            "cssClasses": {"blockquote": [{"className": "pull-quote", "title": "Pull quote"}]}
        },
        "BodyTable": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        "BodyPhoto": {"libraryUrl": reverse_lazy("admin:articles_photo_changelist")},
        "BodyEmbed": True,
    }
}
# A live update holds text only (html.sanitize(media=False)): its form's editor offers no more.
UPDATE_EDITOR = {"extensions": TEXT_EDITOR_EXTENSIONS}


class ArticleAdminForm(forms.ModelForm):
    tags = TagNamesField(
        label="Tags",
        required=False,
        help_text="Type to find the site's tags and pick one; press Enter or type a comma to "
        'add a new one. A new tag with a comma in it goes in double quotes: "Washington, D.C."',
    )
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

    # Set by the admin when the write path found the article saved by someone else between
    # this form's checks and its save: the form is shown again with that message.
    stale_message = None

    def clean(self):
        cleaned_data = super().clean()
        if self.stale_message:
            raise ValidationError(self.stale_message, code="stale")
        if self.instance.pk:
            # Every change form carries the version it was opened at; one without is refused,
            # so leaving the field out cannot skip the check.
            stale = revisions.stale_save_message(
                article=self.instance, form_version=cleaned_data.get("version") or ""
            )
            if stale:
                raise ValidationError(stale, code="stale")
        if "embargoed_until" in cleaned_data and services.embargo_brought_forward(
            SimpleNamespace(embargoed_until=cleaned_data["embargoed_until"]),
            self.instance,
            timezone.now(),
        ):
            # The write path refuses it too; here the editor is told which action does it.
            self.add_error(
                "embargoed_until",
                ValidationError(
                    "The story is under embargo until this time. To publish it earlier, use "
                    "the “Lift the embargo” action in the article list: it is recorded.",
                    code="embargo",
                ),
            )
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

    def full_clean(self):
        # Every row's author, agency or linked article is fetched at once, not a query a row.
        for name, field in self.form.base_fields.items():
            if isinstance(field, forms.ModelChoiceField):
                self._prefetch_choices(name)
        super().full_clean()

    def _prefetch_choices(self, name):
        if not self.is_bound:
            return
        values = {self.data.get(form.add_prefix(name)) for form in self.forms} - {None, ""}
        field = self.forms[0].fields[name] if self.forms else None
        if field is None:
            return
        try:
            found = field.queryset.in_bulk(
                [value for value in values if str(value).isdigit()], field_name="pk"
            )
        except (ValueError, TypeError):
            return
        prefetched = {str(pk): row for pk, row in found.items()}
        for form in self.forms:
            form.fields[name].prefetched = prefetched

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        services.article_rows_check(
            article=self.instance, model=self.model, rows=self.ordered_instances()
        )


class PrefetchedModelChoiceField(forms.ModelChoiceField):
    """A choice its formset fetched with the other rows' (one query for all) is not fetched
    again."""

    prefetched = None

    def to_python(self, value):
        if self.prefetched is not None and value not in self.empty_values:
            found = self.prefetched.get(str(value))
            if found is not None:
                return found
        return super().to_python(value)


class PositionedInlineForm(forms.ModelForm):
    position = forms.IntegerField(
        label="position", required=False, min_value=0, widget=forms.NumberInput(attrs={"size": 3})
    )

    def _get_validation_exclusions(self):
        # Positions are renumbered on save, so a clash with a row about to move is no error.
        # Relations were checked by their form fields, and the rules of the set (a name once,
        # no link to itself) by the formset and the write path, without a query a row.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("position")
        exclusions.update(f.name for f in self._meta.model._meta.fields if f.is_relation)
        return exclusions
