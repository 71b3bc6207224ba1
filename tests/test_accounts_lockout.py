"""Sign-in lockout: per account and per address, its page, its end, and the audit log."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY, authenticate
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from newsroom.accounts.network import client_ip
from newsroom.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("admin:login")
WRONG = "not-the-password"


def sign_in(client, username, password="password", address="203.0.113.9"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def signed_in(client):
    return SESSION_KEY in client.session


def test_sign_in_below_the_limit_still_works(client):
    factories.EditorFactory(username="angela")
    for _ in range(4):
        sign_in(client, "angela", WRONG)

    response = sign_in(client, "angela")

    assert response.status_code == 302
    assert signed_in(client)


def test_sign_in_locks_out_after_five_failures_even_with_the_right_password(client):
    factories.EditorFactory(username="angela")
    statuses = [sign_in(client, "angela", WRONG).status_code for _ in range(5)]

    response = sign_in(client, "angela")

    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert not signed_in(client)
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("h1").get_text() == "Too many failed sign-ins"
    assert "refused for 15 minutes" in page.select_one(".errornote").get_text(" ", strip=True)
    assert response["Retry-After"] == "900"


def test_lockout_counts_each_address_across_accounts(client):
    factories.EditorFactory(username="angela")
    for n in range(5):
        sign_in(client, f"guess{n}", WRONG, address="198.51.100.7")

    from_there = sign_in(client, "angela", address="198.51.100.7")
    from_elsewhere = sign_in(client, "angela", address="203.0.113.9")

    assert (from_there.status_code, from_elsewhere.status_code) == (429, 302)


def test_lockout_counts_each_account_across_addresses(client):
    factories.EditorFactory(username="angela")
    factories.EditorFactory(username="bob")
    for n in range(5):
        sign_in(client, "angela", WRONG, address=f"198.51.100.{n + 1}")

    angela = sign_in(client, "angela", address="203.0.113.9")
    bob = sign_in(client, "bob", address="203.0.113.9")

    assert (angela.status_code, bob.status_code) == (429, 302)


def test_lockout_ends_after_the_cool_off(client):
    factories.EditorFactory(username="angela")
    for _ in range(5):
        sign_in(client, "angela", WRONG)
    assert sign_in(client, "angela").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = sign_in(client, "angela")

    assert response.status_code == 302
    assert signed_in(client)


def test_lockout_is_audited_once_beside_each_failed_sign_in(client):
    angela = factories.EditorFactory(username="angela")
    AuditEntry._base_manager.all().delete()
    for _ in range(6):
        sign_in(client, "angela", WRONG)

    lockouts = AuditEntry.objects.exclude(summary="")
    assert AuditEntry.objects.filter(action="login_failed", summary="").count() == 6
    assert list(lockouts.values_list("action", "door", "username", "object_id", "ip_address")) == [
        ("login_failed", "admin", "angela", str(angela.pk), "203.0.113.9")
    ]
    assert lockouts.get().summary == (
        "Locked out after 5 failed sign-ins: sign-in is refused for 15 minutes"
    )


def test_sign_in_without_a_request_is_left_to_the_password_check(client):
    angela = factories.EditorFactory(username="angela")
    for _ in range(5):
        sign_in(client, "angela", WRONG)
    locked = RequestFactory().post(LOGIN_URL, REMOTE_ADDR="203.0.113.9")

    # A management command or a shell has no address to count, and nobody knocks from outside.
    assert authenticate(username="angela", password="password") == angela
    assert authenticate(locked, username="angela", password="password") is None


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.1"),  # no proxy: whatever a client sends is ignored
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "192.0.2.66, 192.0.2.1", "192.0.2.1"),  # the left one is the client's own claim
        (2, "192.0.2.1, 172.16.0.2", "192.0.2.1"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", None),
    ],
)
def test_client_ip_trusts_only_the_proxies_it_is_told_of(settings, proxies, forwarded, expected):
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected
