import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()

# Pages kept by the page cache are answered before Django handles the request (imported once
# Django is set up: the page cache reads the models).
from articles.caching.wsgi import serve_kept  # noqa: E402

application = serve_kept(django_application)
