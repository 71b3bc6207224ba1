"""
Background tasks: renditions made by a worker, idempotent, retried, and failures shown to staff.

The suite runs tasks at once (the immediate backend). Tests of the queue itself switch to the
database backend, the embedded default, and run its worker in this process until the queue is
empty; they commit for real (transaction=True), as the worker checks its connections between
tasks and a test's enclosing transaction would not survive that.
"""

import io
import logging
import signal
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import OperationalError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles import renditions, tasks
from articles.models import Photo
from tests import factories

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WORKER_LOGGERS = ("django_tasks", "django_tasks_db")


@pytest.fixture
def run_worker(settings):
    """Use the database queue; the returned function works it until no task is ready."""
    settings.TASKS = DATABASE_TASKS
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    levels = {name: logging.getLogger(name).level for name in WORKER_LOGGERS}

    def run():
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", stdout=io.StringIO()
        )

    yield run
    # The worker takes over Ctrl-C and sets its loggers' levels: give them back to pytest.
    for number, handler in handlers.items():
        signal.signal(number, handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def run_retries_now():
    """Make the retries waiting for their time ready at once, as if that time had come."""
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now() - timedelta(seconds=1)
    )


def unreadable_storage(monkeypatch):
    """The storage fails to open any file, as a storage that is down does."""

    def refuse(*args, **kwargs):
        raise OSError("storage unavailable")

    monkeypatch.setattr(default_storage, "open", refuse)


def page(client, article):
    return BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")


@pytest.mark.django_db
def test_task_makes_renditions_and_a_second_run_writes_nothing(monkeypatch):
    photo = factories.PhotoFactory(make_renditions=False)

    first = tasks.photo_renditions_make.enqueue(photo.pk)
    manifest = Photo.objects.get(pk=photo.pk).renditions

    def refuse(*args, **kwargs):
        raise AssertionError("a file was written again")

    monkeypatch.setattr(default_storage, "save", refuse)
    second = tasks.photo_renditions_make.enqueue(photo.pk)

    assert (first.status, second.status) == (TaskResultStatus.SUCCESSFUL,) * 2
    assert first.return_value == 8  # One width in each of four crops, as WebP and JPEG.
    assert second.return_value == 0
    assert Photo.objects.get(pk=photo.pk).renditions == manifest
    assert renditions.complete(Photo.objects.get(pk=photo.pk))


@pytest.mark.django_db
def test_task_for_a_deleted_photo_does_nothing():
    photo = factories.PhotoFactory(make_renditions=False)
    photo_id = photo.pk
    photo.delete()

    result = tasks.photo_renditions_make.enqueue(photo_id)

    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, 0)


@pytest.mark.django_db
def test_locked_database_is_retried(monkeypatch, caplog):
    photo = factories.PhotoFactory(make_renditions=False)
    update = QuerySet.update
    calls = []

    def locked_once(queryset, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return update(queryset, **kwargs)

    monkeypatch.setattr(QuerySet, "update", locked_once)
    with caplog.at_level(logging.WARNING, logger="articles.tasks"):
        result = tasks.photo_renditions_make.enqueue(photo.pk)

    # The immediate backend cannot wait: the second attempt ran at once, inside the first.
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [r.getMessage() for r in caplog.records if r.name == "articles.tasks"] == [
        f"Renditions of photo {photo.pk} not made (attempt 1 of 4; trying again in 0:00:30): "
        "database is locked"
    ]
    assert renditions.complete(Photo.objects.get(pk=photo.pk))


@pytest.mark.django_db(transaction=True)
def test_enqueue_waits_for_the_commit_and_a_rollback_enqueues_nothing(run_worker):
    kept, dropped = factories.PhotoFactory.create_batch(2, make_renditions=False)

    with transaction.atomic():
        tasks.photo_renditions_enqueue(photo_ids=[kept.pk, kept.pk])
        assert not DBTaskResult.objects.exists()
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.photo_renditions_enqueue(photo_ids=[dropped.pk])
        raise RuntimeError("the import failed")

    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs == {"args": [kept.pk], "kwargs": {"attempt": 1}}


@pytest.mark.django_db(transaction=True)
def test_failing_storage_is_retried_later_and_the_last_attempt_fails(run_worker, monkeypatch):
    photo = factories.PhotoFactory(make_renditions=False)
    unreadable_storage(monkeypatch)
    tasks.photo_renditions_enqueue(photo_ids=[photo.pk])

    waits = []
    for _ in range(tasks.RETRY_ATTEMPTS - 1):
        started = timezone.now()
        run_worker()
        [retry] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        waits.append(round((retry.run_after - started).total_seconds() / 10) * 10)
        run_retries_now()
    run_worker()

    results = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert waits == [30, 60, 120]
    assert [r.args_kwargs["kwargs"]["attempt"] for r in results] == [1, 2, 3, 4]
    assert [r.status for r in results] == [TaskResultStatus.SUCCESSFUL] * 3 + [
        TaskResultStatus.FAILED
    ]
    assert results[-1].exception_class_path == "articles.tasks.RenditionsNotMade"
    assert Photo.objects.get(pk=photo.pk).renditions == {}


@pytest.mark.django_db(transaction=True)
def test_a_retry_after_the_storage_came_back_makes_the_renditions(run_worker, monkeypatch):
    photo = factories.PhotoFactory(make_renditions=False)
    unreadable_storage(monkeypatch)
    tasks.photo_renditions_enqueue(photo_ids=[photo.pk])
    run_worker()

    monkeypatch.undo()
    run_retries_now()
    run_worker()

    assert list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True)) == [
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.SUCCESSFUL,
    ]
    assert renditions.complete(Photo.objects.get(pk=photo.pk))


@pytest.mark.django_db(transaction=True)
def test_staff_with_permission_see_a_failed_task_and_its_traceback(run_worker, client):
    photo = factories.PhotoFactory(make_renditions=False)
    default_storage.delete(photo.image.name)
    tasks.photo_renditions_make.enqueue(photo.pk, attempt=tasks.RETRY_ATTEMPTS)
    run_worker()
    [failed] = DBTaskResult.objects.failed()
    watcher = factories.UserFactory(is_staff=True)
    watcher.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="django_tasks_database", codename="view_dbtaskresult"
        )
    )
    client.force_login(watcher)

    listing = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"status": "FAILED"}
    )
    detail = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])
    )
    client.force_login(factories.ReporterFactory())
    refused = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))

    rows = BeautifulSoup(listing.content, "html.parser").select("#result_list tbody tr")
    assert [row.select_one(".field-task_name").get_text() for row in rows] == [
        "photo_renditions_make"
    ]
    traceback = BeautifulSoup(detail.content, "html.parser").select_one(
        ".field-formatted_traceback"
    )
    assert f"RenditionsNotMade: Photo {photo.pk} has no full renditions." in traceback.get_text()
    assert refused.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_make_renditions_queue_enqueues_one_task_per_photo(run_worker):
    photos = factories.PhotoFactory.create_batch(3, make_renditions=False)
    out = io.StringIO()

    call_command("make_renditions", "--queue", stdout=out)

    assert out.getvalue() == "3 photos queued.\n"
    assert sorted(t.args_kwargs["args"][0] for t in DBTaskResult.objects.ready()) == sorted(
        photo.pk for photo in photos
    )
    assert not any(Photo.objects.values_list("renditions", flat=True))


@pytest.mark.django_db(transaction=True)
def test_uploaded_photo_shows_no_image_until_the_worker_made_its_renditions(run_worker, client):
    photo = factories.PhotoFactory(make_renditions=False)
    article = factories.ArticleFactory(lead_photo=photo)

    tasks.photo_renditions_enqueue(photo_ids=[photo.pk])
    before = page(client, article)

    [queued] = DBTaskResult.objects.all()
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "articles.tasks.photo_renditions_make"
    assert before.select("main figure, main img") == []
    assert photo.image.name not in str(before)

    run_worker()
    after = page(client, article)

    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    photo.refresh_from_db()
    entries = renditions.available(photo, "original")
    source, img = (
        after.select_one("main figure picture > source"),
        after.select_one("main figure picture > img"),
    )
    assert source["type"] == "image/webp"
    assert source["srcset"] == ", ".join(f"/media/{e['webp']} {e['width']}w" for e in entries)
    assert img["srcset"] == ", ".join(f"/media/{e['jpeg']} {e['width']}w" for e in entries)
    assert img["alt"] == photo.alt_text
    assert photo.image.name not in str(after)
