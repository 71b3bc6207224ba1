"""Responsive photos in templates, read from the photo's rendition manifest: no query."""

from django import template

from articles import renditions

register = template.Library()


@register.simple_tag
def picture_sources(photo, ratio):
    """Srcsets, src, width and height for picture.html (see `renditions.picture`); None if none."""
    return renditions.picture(photo, ratio)


@register.filter
def has_renditions(photo, ratio):
    """True when `photo` has renditions in `ratio` to show; False for no photo."""
    return bool(photo) and bool(renditions.available(photo, ratio))
