"""
Tags on the article form: a list of names picked with autocomplete of the site's tags (select2,
which Django's admin ships), new ones typed in. Each name travels as its own value, so a tag
may hold commas, quotes or any script; the write path gets the list of names it expects.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import JsonResponse
from django.urls import path, reverse_lazy
from taggit.models import Tag

from articles.validators import validate_tag_name

# As many names as the list of suggestions shows at once.
TAG_SUGGESTIONS = 20


class TagNamesWidget(forms.SelectMultiple):
    """
    The chosen names as selected options; tags.js makes the list a select2 box that suggests
    the site's tags from `url` and takes new names.
    """

    def __init__(self, url, attrs=None):
        super().__init__(attrs)
        self.url = url

    @property
    def media(self):
        extra = "" if settings.DEBUG else ".min"
        return forms.Media(
            js=[
                f"admin/js/vendor/jquery/jquery{extra}.js",
                f"admin/js/vendor/select2/select2.full{extra}.js",
                "admin/js/jquery.init.js",
                "articles/tags.js",
            ],
            css={
                "screen": [
                    f"admin/css/vendor/select2/select2{extra}.css",
                    "admin/css/autocomplete.css",
                ]
            },
        )

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.update(
            {
                "class": "tag-names",
                "data-tag-suggestions": str(self.url),
                "data-theme": "admin-autocomplete",
            }
        )
        return attrs

    def format_value(self, value):
        # Stored tags come as Tag rows; a form shown again has the names as sent.
        return [getattr(tag, "name", tag) for tag in value or []]

    def optgroups(self, name, value, attrs=None):
        # The options are the chosen names themselves: the site's other tags come as typed.
        self.choices = [(tag_name, tag_name) for tag_name in value]
        return super().optgroups(name, value, attrs)


class TagNamesField(forms.Field):
    """A list of tag names, each kept whole: trimmed, without blanks or repeats."""

    widget = TagNamesWidget

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", TagNamesWidget(url=reverse_lazy("admin:articles_article_tag_names"))
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        names = [" ".join(str(name).split()) for name in value]
        return list(dict.fromkeys(name for name in names if name))

    def validate(self, value):
        super().validate(value)
        for name in value:
            # The write path's own rule, said in the form before it is sent there.
            validate_tag_name(name)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        before = sorted(getattr(tag, "name", tag) for tag in initial or [])
        return before != sorted(self.to_python(data))


class TagSuggestionsMixin:
    """The article admin's list of tag names for the tags box: staff who write articles only."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_tag_names"
        return [
            path("tag-names/", self.admin_site.admin_view(self.tag_names_view), name=name),
            *super().get_urls(),
        ]

    def tag_names_view(self, request):
        """Up to TAG_SUGGESTIONS tag names containing `term`, those starting with it first."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        term = " ".join(request.GET.get("term", "").split())
        # Names compared without case: SQLite folds the case of ASCII letters only, so the
        # tags' slugs (lower case, made the same way from the names) answer for other scripts.
        slug = Tag().slugify(term)
        contains, starts = Q(name__icontains=term), Q(name__istartswith=term)
        if slug:
            contains |= Q(slug__contains=slug)
            starts |= Q(slug__startswith=slug)
        names = (
            Tag.objects.filter(contains)
            .annotate(
                starts=Case(
                    When(starts, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("starts", "name")
            .values_list("name", flat=True)[:TAG_SUGGESTIONS]
        )
        return JsonResponse(
            {
                "results": [{"id": name, "text": name} for name in names],
                "pagination": {"more": False},
            }
        )
