"""
Newsroom settings: one module, every deployment difference read from the environment.

With nothing set, a fresh clone refuses to start: production mode is the default, and it
needs SECRET_KEY and ALLOWED_HOSTS. Set DEBUG=true for local work, where SQLite and the
local-memory cache make the site run with no services. `.env.example` documents every variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file beside manage.py (or at ENV_FILE) is read when present; the real environment
# wins over it.
environ.Env.read_env(env.path("ENV_FILE", default=BASE_DIR / ".env"), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    if not env.str("SECRET_KEY", default=""):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production mode). "
            "Set DEBUG=true for local development, or see .env.example."
        )
    if not env.list("ALLOWED_HOSTS", default=[]):
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must be set when DEBUG is off (production mode): "
            "a comma-separated list of the host names this site answers to."
        )
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    "newsroom.audit",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page, and 304 Not Modified for a reader who has the page already.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whole pages for anonymous readers, made stale by any content change (articles.caching).
    "articles.caching.PageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old article URLs survive a slug change: a 404 is looked up in contrib.redirects.
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://newsroom"),
}

# Background tasks (articles.tasks, on Django's Tasks API). "database": a queue in the database
# above, worked by `manage.py db_worker`; no other service needed. "rq": a queue in Redis at
# TASKS_REDIS_URL, worked by `manage.py rqworker` processes. Failed tasks of the database queue
# are listed in the admin under "Task Results"; its app stays installed under both, so the
# tables and permissions are the same everywhere.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "rq":
    if not env.str("TASKS_REDIS_URL", default=""):
        raise ImproperlyConfigured(
            "TASKS_REDIS_URL must be set when TASKS_BACKEND is rq, "
            "e.g. redis://127.0.0.1:6379/1. See .env.example."
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # Each queue of TASKS must be one of django-rq's. A job running longer than the timeout
    # (seconds) is stopped and counts as failed: a large photo takes seconds, not minutes.
    RQ_QUEUES = {"default": {"URL": env.str("TASKS_REDIS_URL"), "DEFAULT_TIMEOUT": 600}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be database or rq, not {TASKS_BACKEND!r}.")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-gb")
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Relative paths are taken from the project folder.
STATIC_ROOT = BASE_DIR / env.str("STATIC_ROOT", default="staticfiles")
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = BASE_DIR / env.str("MEDIA_ROOT", default="media")
# Uploaded photos are served by Django itself only when asked to; a production site
# normally lets its web server or a CDN serve MEDIA_ROOT.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production hardening, switched on with DEBUG off.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Only once the whole site is served over HTTPS: browsers remember it for this many seconds.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Newsroom itself.
NEWSROOM_SITE_NAME = env.str("SITE_NAME", default="Newsroom")
# The site's public address (https://news.example.org): absolute URLs in pages, feeds and
# sitemaps, and wherever there is no request (imports, tasks, exports). Empty: the host of
# each request.
NEWSROOM_SITE_URL = env.str("SITE_URL", default="")
if NEWSROOM_SITE_URL and not NEWSROOM_SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"SITE_URL must start with https:// or http:// (it is {NEWSROOM_SITE_URL!r})."
    )
# The publisher's logo in structured data (a static file; Google asks for at most 600x60).
NEWSROOM_PUBLISHER_LOGO = env.str("PUBLISHER_LOGO", default="img/publisher-logo.png")
NEWSROOM_PUBLISHER_LOGO_SIZE = tuple(env.list("PUBLISHER_LOGO_SIZE", cast=int, default=[600, 60]))
# In-body advertisement slots: the first after this paragraph (0 turns slots off), then one
# every AD_SLOT_EVERY paragraphs (0: only the first); none in stories shorter than the minimum.
NEWSROOM_AD_SLOT_AFTER_PARAGRAPH = env.int("AD_SLOT_AFTER_PARAGRAPH", default=1)
NEWSROOM_AD_SLOT_EVERY = env.int("AD_SLOT_EVERY", default=6)
NEWSROOM_AD_SLOT_MIN_PARAGRAPHS = env.int("AD_SLOT_MIN_PARAGRAPHS", default=4)
NEWSROOM_ARTICLES_PER_PAGE = env.int("ARTICLES_PER_PAGE", default=20)
# Anonymous readers' pages are cached this many seconds at most (0: no page cache); any content
# change makes them stale at once. Browsers may keep a page BROWSER_CACHE_SECONDS without
# asking again (0: they revalidate each time, and get a 304 when nothing changed).
NEWSROOM_PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
NEWSROOM_BROWSER_CACHE_SECONDS = env.int("BROWSER_CACHE_SECONDS", default=0)
# PostgreSQL's text search configuration for site search: the language of the stories.
NEWSROOM_SEARCH_CONFIG = env.str("SEARCH_CONFIG", default="english")
# Widths in pixels of the resized copies of each photo; after a change run make_renditions.
NEWSROOM_RENDITION_WIDTHS = env.list(
    "RENDITION_WIDTHS", cast=int, default=[320, 640, 960, 1280, 1600]
)
# Limits on an accepted photo: larger files or images are refused, whatever their source.
NEWSROOM_PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=25 * 1024 * 1024)
NEWSROOM_PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=60_000_000)
