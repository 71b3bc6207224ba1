"""The parts of every page that are the site's own, kept built as a fragment (caching.fragments)."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from articles import caching
from articles.models import Banner, Section
from articles.models.loading import loads_recorded

register = template.Library()


@register.simple_tag
def site_chrome(current_section=None, search=None):
    """
    The site's feed links, stylesheet link, header (the breaking-news banner while one is on,
    the site's name, the navigation sections with `current_section` marked, the search box
    unless `search` is False) and footer.
    """
    search = search is not False
    current_id = getattr(current_section, "pk", None)
    name = caching.fragment_name("chrome", current_id, search)

    def build(stale):
        site_name = settings.NEWSROOM_SITE_NAME
        with loads_recorded() as loaded:
            sections = list(Section.objects.filter(in_navigation=True))
            banner = Banner.objects.shown().select_related("article").first()
        chrome = {
            "feeds": render_to_string(
                "includes/feed_links.html",
                {
                    "title": site_name,
                    "rss": reverse("articles:feed-rss"),
                    "atom": reverse("articles:feed-atom"),
                },
            ),
            "stylesheet": render_to_string("includes/stylesheet.html"),
            "header": render_to_string(
                "includes/site_header.html",
                {
                    "site_name": site_name,
                    "navigation_sections": sections,
                    "current_section": current_section,
                    "search": search,
                    "banner": banner,
                },
            ),
            "footer": render_to_string("includes/site_footer.html", {"site_name": site_name}),
        }
        # Which sections are in the navigation is a list of its own; so is the banner.
        return {name: (chrome, loaded, [caching.NAVIGATION, caching.BANNER])}

    return caching.fragments([name], build)[name]
