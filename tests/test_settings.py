"""Production mode refuses to start half-configured; the defaults run with no services."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

CHECK = """
import django
django.setup()
from django.conf import settings
print(settings.DATABASES["default"]["ENGINE"], settings.CACHES["default"]["BACKEND"])
"""
RESET = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "CACHE_URL"}


def run_django(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "CACHE_URL"}
    }
    # A developer's own .env must not decide what these tests see.
    clean.update(DJANGO_SETTINGS_MODULE="newsroom.settings", ENV_FILE=os.devnull, **env)
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY must be set when DEBUG is off"),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS must be set when DEBUG is off"),
    ],
)
def test_production_mode_refuses_to_start_without_secret_key_and_hosts(env, message):
    result = run_django(**env)

    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize("value", ["127.0.0.1:6081", "varnish", "ftp://cache", "http://"])
def test_a_front_cache_address_that_is_no_web_address_is_refused_at_start(value):
    result = run_django(SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org", FRONT_CACHE_URLS=value)

    assert result.returncode != 0
    assert "FRONT_CACHE_URLS holds" in result.stderr


def test_production_mode_starts_when_configured():
    result = run_django(SECRET_KEY="x" * 50, ALLOWED_HOSTS="news.example.org")

    assert result.returncode == 0, result.stderr


def test_debug_mode_defaults_to_sqlite_and_a_file_cache_every_process_shares():
    result = run_django(DEBUG="true")

    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        # Django's file cache, that lists its folder now and then rather than on every write.
        "newsroom.file_cache.SharedFileCache",
    ]


def test_the_default_cache_works_without_the_production_extras(tmp_path):
    # `make demo` installs the site without Redis's client: the default cache must not need it.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['redis'] = None\n"
            "import django; django.setup()\n"
            "from django.core.cache import cache\n"
            "cache.set('k', 1); print(cache.get('k'))",
        ],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k not in RESET},
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "ENV_FILE": os.devnull,
            "DEBUG": "true",
            "CACHE_URL": f"filecache://{tmp_path}",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_database_and_cache_come_from_urls():
    result = run_django(
        DEBUG="true",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )

    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        # Django's Redis cache, made to serve uncached while Redis fails.
        "newsroom.cache.ResilientRedisCache",
    ]


# Staff sign-in, the Content-Security-Policy and the deployment checks.

# Variables that the tests below set, and that the environment running the suite must not.
SIGN_IN_AND_DEPLOY = {
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "BEHIND_TLS_PROXY",
    "TRUSTED_PROXY_COUNT",
    "TWO_FACTOR_REQUIRED_ROLES",
    "SIGN_IN_FAILURE_LIMIT",
    "SIGN_IN_LOCKOUT_MINUTES",
    "SIGN_IN_LOCKOUT_BY",
    "CSP_REPORT_ONLY",
    "CSP_REPORT_URI",
    "MEDIA_URL",
    "SECURE_COOKIES",
}
# Long and varied enough for Django's own SECRET_KEY check.
PRODUCTION = {"SECRET_KEY": "t3st-Only_" * 6, "ALLOWED_HOSTS": "news.example.org"}
SHOW = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in %r}, default=str))
"""


def run_in_production(args, **env):
    """Run `python ARGS` in production mode, with `env` and none of the variables above."""
    clean = {k: v for k, v in os.environ.items() if k not in RESET | SIGN_IN_AND_DEPLOY}
    clean.update(DJANGO_SETTINGS_MODULE="newsroom.settings", ENV_FILE=os.devnull)
    clean.update({**PRODUCTION, **env})
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_shown(*names, **env):
    """The named settings as production mode reads them from `env`."""
    import json

    result = run_in_production(["-c", SHOW % (names,)], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def deploy_check(**env):
    """What `manage.py check --deploy` says, warnings and all."""
    result = run_in_production(["manage.py", "check", "--deploy"], **env)
    return result.stdout + result.stderr


def test_deploy_check_names_the_variables_to_set_for_https():
    output = deploy_check(CACHE_URL="locmemcache://newsroom")

    assert "(newsroom.W001)" in output
    assert "HINT: Set SECURE_HSTS_SECONDS (e.g. 31536000, a year) once the whole site" in output
    assert "(newsroom.W002)" in output
    assert "HINT: Set SECURE_SSL_REDIRECT=true, or BEHIND_TLS_PROXY=true if a proxy" in output
    assert "HINT: Set CACHE_URL to a shared cache" in output
    # Django's own, which name settings rather than variables, are ours now.
    assert "security.W004" not in output and "security.W008" not in output


def test_deploy_check_is_quiet_once_https_and_a_shared_cache_are_set():
    output = deploy_check(
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
        SECURE_SSL_REDIRECT="true",
        CACHE_URL="redis://127.0.0.1:6379/0",
    )

    assert output.strip() == "System check identified no issues (0 silenced)."


@pytest.mark.parametrize(
    ("env", "warned"),
    [
        ({"BEHIND_TLS_PROXY": "true"}, True),
        ({"BEHIND_TLS_PROXY": "true", "TRUSTED_PROXY_COUNT": "1"}, False),
    ],
)
def test_deploy_check_warns_behind_a_proxy_of_unknown_depth(env, warned):
    output = deploy_check(**env)

    assert ("HINT: Set TRUSTED_PROXY_COUNT=1" in output) is warned
    assert "(newsroom.W002)" not in output  # the proxy says which requests came over HTTPS


@pytest.mark.parametrize(
    ("env", "hint"),
    [
        ({"TWO_FACTOR_REQUIRED_ROLES": ""}, "HINT: Set TWO_FACTOR_REQUIRED_ROLES=Editor,"),
        ({"CSP_REPORT_ONLY": "true"}, "HINT: Set CSP_REPORT_ONLY=false once browsers report"),
    ],
)
def test_deploy_check_warns_while_a_protection_is_off(env, hint):
    assert hint not in deploy_check()
    assert hint in deploy_check(**env)


def test_deploy_checks_say_nothing_in_debug_mode():
    output = deploy_check(DEBUG="true", TWO_FACTOR_REQUIRED_ROLES="")

    assert "newsroom.W" not in output


def test_sign_in_protection_defaults():
    shown = settings_shown(
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        "AXES_LOCKOUT_PARAMETERS",
        "NEWSROOM_TWO_FACTOR_REQUIRED_ROLES",
        "NEWSROOM_TRUSTED_PROXY_COUNT",
    )

    assert shown == {
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": "0:15:00",
        "AXES_LOCKOUT_PARAMETERS": ["username", "ip_address"],
        "NEWSROOM_TWO_FACTOR_REQUIRED_ROLES": ["Editor", "Administrator"],
        "NEWSROOM_TRUSTED_PROXY_COUNT": 0,
    }


def test_debug_mode_requires_two_factor_of_nobody_unless_told():
    assert settings_shown("NEWSROOM_TWO_FACTOR_REQUIRED_ROLES", DEBUG="true") == {
        "NEWSROOM_TWO_FACTOR_REQUIRED_ROLES": []
    }


def test_sign_in_protection_comes_from_the_environment():
    shown = settings_shown(
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        "AXES_LOCKOUT_PARAMETERS",
        "NEWSROOM_TWO_FACTOR_REQUIRED_ROLES",
        SIGN_IN_FAILURE_LIMIT="10",
        SIGN_IN_LOCKOUT_MINUTES="60",
        SIGN_IN_LOCKOUT_BY="username+ip_address",
        TWO_FACTOR_REQUIRED_ROLES="Administrator, Editor",
    )

    assert shown == {
        "AXES_FAILURE_LIMIT": 10,
        "AXES_COOLOFF_TIME": "1:00:00",
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"]],
        "NEWSROOM_TWO_FACTOR_REQUIRED_ROLES": ["Administrator", "Editor"],
    }


def test_content_security_policy_can_report_only_and_names_the_media_host():
    shown = settings_shown(
        "CONTENT_SECURITY_POLICY",
        "CONTENT_SECURITY_POLICY_REPORT_ONLY",
        CSP_REPORT_ONLY="true",
        CSP_REPORT_URI="https://reports.example.org/csp",
        MEDIA_URL="https://media.example.org/media/",
    )

    directives = shown["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]
    assert shown["CONTENT_SECURITY_POLICY"] is None
    assert directives["img-src"] == ["'self'", "data:", "https://media.example.org"]
    assert directives["script-src"] == ["'self'"]
    assert directives["report-uri"] == ["https://reports.example.org/csp"]
    assert directives["frame-ancestors"] == ["'none'"]
