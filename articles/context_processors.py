from django.conf import settings

from articles.models import Section


def site(request):
    """The site's name and its navigation sections (queried only when a template uses them)."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "navigation_sections": Section.objects.filter(in_navigation=True),
    }
