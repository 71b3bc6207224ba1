"""
Newsroom settings: one module, every deployment difference read from the environment.

With nothing set, a fresh clone refuses to start: production mode is the default, and it
needs SECRET_KEY and ALLOWED_HOSTS. Set DEBUG=true for local work, where SQLite and the
local-memory cache make the site run with no services. `.env.example` documents every variable.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

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
    # Staff sign-in: lockout after failed sign-ins (axes), the second factor (django_otp: an
    # authenticator app and recovery codes), and the Content-Security-Policy header (csp).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "newsroom.audit",
    # After django_otp's plugins: it replaces their admin pages with ones that audit removals.
    "newsroom.accounts",
    # News partners and their API keys, for the Partner API (articles.api).
    "newsroom.partners",
    "articles",
]

MIDDLEWARE = [
    # Whole pages for anonymous readers, as the rest of the stack made them, each made stale by
    # a change to what it shows (articles.caching): first, so a page kept needs nothing else.
    "articles.caching.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The Content-Security-Policy header on every page (not on static files), cached ones too.
    "newsroom.content_security.ContentSecurityPolicyMiddleware",
    # ETag on every page, and 304 Not Modified for a reader who has the page already.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # No control character in an address or query string reaches a view (or the database).
    "articles.middleware.ControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor, if any, verified this session; then, before anything reads the user,
    # a session that still owes one is sent to it in the admin and is anonymous elsewhere.
    "django_otp.middleware.OTPMiddleware",
    "newsroom.accounts.middleware.TwoFactorMiddleware",
    # What the page cache keeps and readers get is well-formed, whatever is stored.
    "articles.middleware.WellFormedOutputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old article URLs survive a slug change: a 404 is looked up in contrib.redirects.
    "articles.middleware.ArticleRedirectFallbackMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its page (HTTP 429).
    "axes.middleware.AxesMiddleware",
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
                # LANGUAGE_CODE, for each page's lang attribute.
                "django.template.context_processors.i18n",
                "articles.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Connections are kept between requests (opening one, SQLite's pragmas included, costs more
# than a whole page built from kept fragments), and checked before a request reuses one.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# How long a request waits for the database (a lock, a connection) before the site answers
# 503 "try again shortly" instead of keeping readers waiting.
DATABASE_WAIT_SECONDS = env.float("DATABASE_WAIT_SECONDS", default=3.0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Readers never wait for a writer (write-ahead log); writers queue for the lock from
            # the start of their transaction, so two saves at once cannot deadlock halfway.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": DATABASE_WAIT_SECONDS,
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", max(1, round(DATABASE_WAIT_SECONDS))
    )
# Read replicas of a PostgreSQL primary (comma-separated URLs): anonymous readers' pages read
# from them, everything else from the primary (newsroom.db_router). For REPLICA_LAG_SECONDS
# after a change, readers read the primary too: a replica may not have the change yet.
NEWSROOM_DATABASE_REPLICAS = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _alias = f"replica{_number}"
    DATABASES[_alias] = env.db_url_config(_url)
    DATABASES[_alias].update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        CONN_HEALTH_CHECKS=True,
        # The test suite's replica is the primary's test database itself.
        TEST={"MIRROR": "default"},
    )
    NEWSROOM_DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["newsroom.db_router.ReplicaRouter"] if NEWSROOM_DATABASE_REPLICAS else []
NEWSROOM_REPLICA_LAG_SECONDS = env.float("REPLICA_LAG_SECONDS", default=5.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The embedded default is a file cache beside the code: every process of the site (the server,
# an import, a task worker) shares it, so a change any of them makes reaches the next reader.
# Local memory would be one cache per process. In production, Redis.
CACHES = {
    "default": env.cache_url("CACHE_URL", default=f"filecache://{BASE_DIR / '.cache' / 'site'}"),
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache":
    # Pages and the versions of what they show, one file each: past MAX_ENTRIES the cache
    # drops a third of its files at random (looking for them only now and then).
    CACHES["default"]["BACKEND"] = "newsroom.file_cache.SharedFileCache"
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 100_000)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis down must not take the site down: pages are served uncached meanwhile.
    CACHES["default"]["BACKEND"] = "newsroom.cache.ResilientRedisCache"

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

# Staff sign-in (newsroom.accounts). After SIGN_IN_FAILURE_LIMIT failed sign-ins, django-axes
# refuses sign-in for SIGN_IN_LOCKOUT_MINUTES, counted from the last failure (a failure during
# the lockout starts it again). SIGN_IN_LOCKOUT_BY says what is counted: "username,ip_address"
# counts each account and each address apart; "username+ip_address" counts each pair instead.
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses while the account or the address is locked out.
    "newsroom.accounts.backends.LockoutBackend",
    "newsroom.accounts.backends.AccountBackend",
]
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [
    part.split("+") if "+" in part else part
    for part in env.list("SIGN_IN_LOCKOUT_BY", default=["username", "ip_address"])
]
AXES_LOCKOUT_CALLABLE = "newsroom.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "newsroom.accounts.network.client_ip"
# The audit log keeps every sign-in already; axes' own log of them would repeat it.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
# No banner on every manage.py command; lockouts are still logged.
AXES_VERBOSE = False
# Behind proxies that each add the client's address to X-Forwarded-For: how many there are.
# 0: the address is the connection's own (REMOTE_ADDR).
NEWSROOM_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Two-factor authentication (django-otp): members of these roles must set up an authenticator
# app before they can use the admin, and so must superusers whenever any role is named; anyone
# else may. Empty: nobody must. Default: Editor and Administrator; with DEBUG on nobody, so
# that `make demo`'s editor signs in with the password it prints.
NEWSROOM_TWO_FACTOR_REQUIRED_ROLES = [
    role.strip()
    for role in env.list(
        "TWO_FACTOR_REQUIRED_ROLES", default=[] if DEBUG else ["Editor", "Administrator"]
    )
    if role.strip()
]
# After a wrong code, each further try waits twice as long as the last (1, 2, 4 ... seconds).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin's pages of authenticator apps show neither their keys nor their QR codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

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

# Uploaded photos and their renditions: in MEDIA_ROOT ("files"), or in S3-compatible object
# storage ("s3": AWS, MinIO, Ceph, R2 ...; pip install -e ".[s3]"), named by the AWS_* variables
# below, with credentials the AWS way (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a role).
# Readers get the files from MEDIA_URL, or from AWS_S3_CUSTOM_DOMAIN when set (a CDN).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="files")
if MEDIA_STORAGE == "files":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=None),
            # Public addresses, the same for every reader: pages that show them are cached.
            "querystring_auth": False,
            # A new photo never replaces another's file of the same name.
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be files or s3, not {MEDIA_STORAGE!r}.")

STORAGES = {
    "default": _media_storage,
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
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# newsroom/checks.py warns instead, naming the environment variables to set.
SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008"]


def _origin(url):
    """The scheme and host of an absolute URL (a CDN's), None for a path on this site."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Content-Security-Policy (django-csp), for the site and the admin alike: scripts, styles and
# fonts come from this site only, images also from MEDIA_URL's host when it names one, and as
# data: URLs; frames from here and from two video players; no plugins, no <base>, forms post
# here only, and no other site may frame a page.
# newsroom.content_security adds the hashes of the rich-text editor's two inline blocks.
# CSP_REPORT_ONLY=true sends it as report-only (to try a change first); CSP_REPORT_URI is where
# browsers send what it blocked.
NEWSROOM_CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
_media_origins = [origin for origin in [_origin(MEDIA_URL)] if origin]
_policy = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_media_origins],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, *_media_origins],
        # The two video players an article body's embeds load when the reader asks (and only
        # then: articles/embeds.js); their pages' own frames are theirs to allow. No other
        # site's frame, so a post embeds as a link (articles.html.embeds: FRAME_ORIGINS).
        "frame-src": [SELF, "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env.str("CSP_REPORT_URI", default=""):
    _policy["DIRECTIVES"]["report-uri"] = [env.str("CSP_REPORT_URI")]
CONTENT_SECURITY_POLICY = None if NEWSROOM_CSP_REPORT_ONLY else _policy
CONTENT_SECURITY_POLICY_REPORT_ONLY = _policy if NEWSROOM_CSP_REPORT_ONLY else None


# The article body editor's own extensions (articles.admin.article_forms.BODY_EDITOR): a library
# photo and an embed, each a figure with an optional caption, and tables with their caption.
# The module is a static file resolved when an editor is drawn; the processors tell
# django-prose-editor the elements they make (articles.html keeps them, and checks their
# attributes itself).
def _static_url(path):
    from django.templatetags.static import static

    return static(path)


def _figure_elements(config, allowed):
    allowed["tags"].update({"figure", "figcaption"})


def _table_elements(config, allowed):
    allowed["tags"].update({"table", "caption", "thead", "tbody", "tr", "th", "td"})


DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [lazy(_static_url, str)("articles/body-editor.js")],
        "extensions": {
            "BodyPhoto": _figure_elements,
            "BodyEmbed": _figure_elements,
            "BodyTable": _table_elements,
        },
    }
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"database_unavailable": {"()": "newsroom.errors.DatabaseUnavailableFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # A request that met an unavailable database: one line, not a traceback.
        "django.request": {"filters": ["database_unavailable"]},
    },
}

# Newsroom itself.
NEWSROOM_SITE_NAME = env.str("SITE_NAME", default="Newsroom")
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = NEWSROOM_SITE_NAME
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
# Live blogs: how often a reader's page asks for new updates (seconds), which is also how long
# front caches may keep the answer.
NEWSROOM_LIVE_POLL_SECONDS = env.int("LIVE_POLL_SECONDS", default=10)
if NEWSROOM_LIVE_POLL_SECONDS < 1:
    raise ImproperlyConfigured("LIVE_POLL_SECONDS must be 1 or more.")
# Anonymous readers' pages are cached this many seconds at most (0: no page cache); any content
# change makes them stale at once. Browsers may keep a page BROWSER_CACHE_SECONDS without
# asking again (0: they revalidate each time, and get a 304 when nothing changed).
NEWSROOM_PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
NEWSROOM_BROWSER_CACHE_SECONDS = env.int("BROWSER_CACHE_SECONDS", default=0)
# Fragments of pages (an article's body, a card) are kept built this many seconds at most
# (0: built for every page), made stale like pages by a change to what they show. They make a
# page built for a reader cheap, page cache or not.
NEWSROOM_FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=86400)
# Each process also keeps the fragments it used last in its memory, this many at most (an
# article's parts are about 20 KB, a card 1 KB).
NEWSROOM_FRAGMENT_MEMORY_ITEMS = env.int("FRAGMENT_MEMORY_ITEMS", default=1000)
# Front caches (Varnish, a CDN) may keep a page SHARED_CACHE_SECONDS (s-maxage; 0: they don't):
# long, when they get the purges (FRONT_CACHE_URLS, or a CDN's tag purge). They may serve a page
# that stale while they fetch the new one, and while the site fails.
NEWSROOM_SHARED_CACHE_SECONDS = env.int("SHARED_CACHE_SECONDS", default=0)
NEWSROOM_STALE_WHILE_REVALIDATE_SECONDS = env.int("STALE_WHILE_REVALIDATE_SECONDS", default=30)
NEWSROOM_STALE_IF_ERROR_SECONDS = env.int("STALE_IF_ERROR_SECONDS", default=86400)
# Varnish servers (with the xkey module and docs/varnish/newsroom.vcl) told of every change:
# they drop the pages showing what changed. Comma-separated base addresses.
NEWSROOM_FRONT_CACHE_URLS = env.list("FRONT_CACHE_URLS", default=[])
for _url in NEWSROOM_FRONT_CACHE_URLS:
    if urlsplit(_url).scheme not in ("http", "https") or not urlsplit(_url).hostname:
        raise ImproperlyConfigured(
            f"FRONT_CACHE_URLS holds {_url!r}: each must be an http:// or https:// address "
            "with a host, e.g. http://127.0.0.1:6081."
        )
# PostgreSQL's text search configuration for site search: the language of the stories.
NEWSROOM_SEARCH_CONFIG = env.str("SEARCH_CONFIG", default="english")
# The Partner API (docs/partner-api.md): how many requests a partner's key may make each
# minute, unless the partner's own limit in the admin says otherwise.
NEWSROOM_PARTNER_API_RATE_PER_MINUTE = env.int("PARTNER_API_RATE_PER_MINUTE", default=120)
if NEWSROOM_PARTNER_API_RATE_PER_MINUTE < 1:
    raise ImproperlyConfigured("PARTNER_API_RATE_PER_MINUTE must be 1 or more.")
# Widths in pixels of the resized copies of each photo; after a change run make_renditions.
NEWSROOM_RENDITION_WIDTHS = env.list(
    "RENDITION_WIDTHS", cast=int, default=[320, 640, 960, 1280, 1600]
)
# Limits on an accepted photo: larger files or images are refused, whatever their source.
NEWSROOM_PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=25 * 1024 * 1024)
NEWSROOM_PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=60_000_000)
