from django.conf import settings

from articles import metadata


def site(request):
    """The site's name and locale, on every page (the navigation is the header's own)."""
    return {"site_name": settings.NEWSROOM_SITE_NAME, "og_locale": metadata.og_locale()}
