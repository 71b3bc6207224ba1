from django.conf import settings
from django.utils.translation import get_language, to_locale


def site(request):
    """The site's name and locale, on every page (the navigation is the header's own)."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        # Open Graph spells locales the POSIX way: en_GB.
        "og_locale": to_locale(get_language() or settings.LANGUAGE_CODE),
    }
