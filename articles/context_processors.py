from articles import metadata


def site(request):
    """The site's name and locale, on every page (the navigation is the header's own)."""
    return metadata.site_context()
