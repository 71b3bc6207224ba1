import os
from functools import partial

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads to its own folder, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached pages and the content version never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def requests_commit(monkeypatch):
    """
    A test client's request commits what it writes, as it does on a site: what follows a
    commit (revision, audit entry, fresh pages, renditions) has run when the response is back.
    """
    request = Client.request

    def committing_request(self, **kwargs):
        start = len(connection.run_on_commit)
        response = request(self, **kwargs)
        # Run, and use up, what the request left for its commit (and what that leaves in turn).
        while len(connection.run_on_commit) > start:
            pending = connection.run_on_commit[start:]
            del connection.run_on_commit[start:]
            for _, callback, _ in pending:
                callback()
        return response

    monkeypatch.setattr(Client, "request", committing_request)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """
    `with committed(): ...`: what the block writes is announced as on a real commit, so the
    subscribers (revision, audit, fresh pages, renditions) run. Tests run inside a transaction
    that never commits, so without it nothing that follows a commit happens.
    """
    return partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def editor(db):
    """A staff user with every newsroom permission, as the demo editor has."""
    return factories.EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """Under CI=true a skipped test is a failure: CI must have everything a test needs."""
    if os.environ.get("CI", "").lower() == "true" and _skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.ensure_newline()
        reporter.write_line(
            f"CI=true: {len(_skipped)} skipped test(s) count as failures:", red=True
        )
        for nodeid in _skipped:
            reporter.write_line(f"  {nodeid}", red=True)
