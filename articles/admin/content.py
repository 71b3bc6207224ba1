"""Sections, authors and agencies in the admin."""

from django.contrib import admin

from articles.admin.common import ContentAdmin, thumbnail
from articles.models import Agency, Author, Section


@admin.register(Section)
class SectionAdmin(ContentAdmin):
    list_display = ["name", "slug", "order", "in_navigation"]
    list_editable = ["order", "in_navigation"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(ContentAdmin):
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
class AgencyAdmin(ContentAdmin):
    list_display = ["name", "short_name", "website"]
    prepopulated_fields = {"slug": ["short_name"]}
    search_fields = ["name", "short_name"]
