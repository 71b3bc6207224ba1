"""The printed byline in templates: the one rule of articles.display."""

from django import template

from articles import display

register = template.Library()


@register.filter
def byline_parts(groups):
    """(words before, byline) pairs of an article's byline groups; see display.byline_parts()."""
    return display.byline_parts(groups)
