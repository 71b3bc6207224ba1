"""
Django's ceiling on this machine, for bench/delivery.py: a one-file Django project whose only
view returns the bytes of a page saved before (BAREVIEW_PAGE, a file), at /article.html. No
database, no middleware, no templates: what any Django page costs at the least.

    BAREVIEW_PAGE=page.html gunicorn --chdir bench bareview:application
"""

import os
from pathlib import Path

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

PAGE = Path(os.environ["BAREVIEW_PAGE"]).read_bytes()


def article(request):
    """The saved page, as it is."""
    return HttpResponse(PAGE)


urlpatterns = [path("article.html", article)]

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-a-secret",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_TZ=True,
)
django.setup()
application = get_wsgi_application()
