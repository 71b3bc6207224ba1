from django.conf import settings
from django.utils.translation import get_language, to_locale

from articles.models import Section


def site(request):
    """The site's name and its navigation sections (queried only when a template uses them)."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        # Open Graph spells locales the POSIX way: en_GB.
        "og_locale": to_locale(get_language() or settings.LANGUAGE_CODE),
        "navigation_sections": Section.objects.filter(in_navigation=True),
    }
