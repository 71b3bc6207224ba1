"""Times for machines in templates: what a <time datetime> may hold."""

from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def html_datetime(value):
    """
    `value` (a datetime, in the current time zone) as ISO 8601 in whole seconds, or "" for
    none: HTML takes at most three digits of a second, and Django's "c" format writes six.
    """
    if not value:
        return ""
    return value.isoformat(timespec="seconds")
