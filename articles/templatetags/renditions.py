"""Responsive photos in templates, read from the photo's rendition manifest: no query."""

from django import template

from articles import renditions

register = template.Library()


@register.simple_tag
def picture_sources(photo, ratio):
    """Srcsets, src, width and height for picture.html (see `renditions.picture`)."""
    return renditions.picture(photo, ratio)
