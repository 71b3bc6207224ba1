from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles import sitemaps

urlpatterns = [
    path("admin/", admin.site.urls),
    # Staff's own pages beside the admin: two-factor authentication.
    path("accounts/", include("newsroom.accounts.urls")),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    # Before the index's sitemaps, whose names it would otherwise match.
    path("sitemap-news.xml", sitemaps.news_sitemap, name="sitemap-news"),
    path("sitemap-<section>.xml", sitemaps.sitemap_section, name="sitemap-section"),
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
    # The Partner API: stories as IPTC ninjs for news partners, by API key (docs/partner-api.md).
    # Its errors are JSON (newsroom.errors.API_PREFIX).
    path("api/v1/", include("articles.api.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# A database that is unavailable or locked answers 503 with Retry-After (newsroom.errors).
handler500 = "newsroom.errors.server_error"
# The site's own pages for the rest; JSON under the API.
handler400 = "newsroom.errors.bad_request"
handler403 = "newsroom.errors.permission_denied"
handler404 = "newsroom.errors.page_not_found"

admin.site.site_header = f"{settings.NEWSROOM_SITE_NAME} admin"
admin.site.site_title = settings.NEWSROOM_SITE_NAME
admin.site.index_title = "Newsroom"
