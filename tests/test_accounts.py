"""Two-factor authentication: who must use it, setting it up, signing in with it, the audit."""

import time
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article
from newsroom.accounts import services
from newsroom.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("admin:login")
ADMIN_URL = reverse("admin:index")
TWO_FACTOR_URL = reverse("accounts:two-factor")
VERIFY_URL = reverse("accounts:verify")
WRONG = "not-the-password"


@pytest.fixture
def required(settings):
    """Two-factor authentication required of Editors and Administrators, as by default."""
    settings.NEWSROOM_TWO_FACTOR_REQUIRED_ROLES = ["Editor", "Administrator"]


def sign_in(client, username, password="password", address="203.0.113.9"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": ADMIN_URL},
        REMOTE_ADDR=address,
    )


def signed_in(client):
    return SESSION_KEY in client.session


def code_at(device, steps=0):
    """The code `device`'s app shows now, or `steps` time steps away."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device):
    """Six digits that no time step near now accepts."""
    near = {code_at(device, steps) for steps in (-2, -1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in near)


def enrolled(user):
    """`user` with a confirmed authenticator app and recovery codes, as if set up long ago."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    codes = services.recovery_codes_replace(user=user)
    AuditEntry._base_manager.all().delete()
    return device, codes


def history():
    return list(AuditEntry.objects.order_by("pk").values_list("action", "username", "summary"))


# Who must use a second factor.


@pytest.mark.parametrize("role", ["Editor", "Administrator", "superuser"])
def test_required_role_without_an_app_is_sent_to_set_one_up(client, required, role):
    if role == "superuser":
        user = factories.UserFactory(is_staff=True, is_superuser=True)
    else:
        user = factories.EditorFactory(role=role)
    client.force_login(user)

    response = client.get(reverse("admin:articles_article_changelist"))

    assert response.status_code == 302
    assert response["Location"] == f"{TWO_FACTOR_URL}?next=/admin/articles/article/"


def test_other_roles_may_use_the_admin_without_an_app(client, required):
    client.force_login(factories.ReporterFactory())

    response = client.get(ADMIN_URL)

    assert response.status_code == 200
    user_tools = BeautifulSoup(response.content, "html.parser").select_one("#user-tools")
    assert user_tools.find("a", href=TWO_FACTOR_URL).get_text() == "Two-factor authentication"


def test_nobody_is_required_when_no_role_is_named(client, settings):
    settings.NEWSROOM_TWO_FACTOR_REQUIRED_ROLES = []
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    assert client.get(ADMIN_URL).status_code == 200


# Setting up an authenticator app.


def test_setting_up_shows_the_key_then_confirms_it_and_shows_recovery_codes_once(client, required):
    editor = factories.EditorFactory(username="angela")
    client.force_login(editor)

    page = BeautifulSoup(client.get(TWO_FACTOR_URL).content, "html.parser")
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    uri = page.select_one("details code").get_text()
    assert uri.startswith("otpauth://totp/Newsroom%3Aangela?secret=")
    assert page.select_one("img.qr-code")["src"].startswith("data:image/svg+xml")
    assert page.select_one("code.totp-key").get_text().replace(" ", "") in uri

    response = client.post(TWO_FACTOR_URL, {"code": code_at(device)})

    codes = [c.get_text() for c in BeautifulSoup(response.content, "html.parser").select("li code")]
    assert len(codes) == 10
    stored = StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    assert sorted(stored) == sorted(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ADMIN_URL).status_code == 200  # verified by setting it up
    again = client.get(TWO_FACTOR_URL).content.decode()
    assert "You have 10 recovery codes left." in again
    assert not [code for code in codes if code in again]
    assert history()[-1][0:2] == ("user_change", "angela")
    assert history()[-1][2].startswith("Two-factor authentication set up")


def test_setting_up_refuses_a_wrong_code(client, required):
    editor = factories.EditorFactory()
    client.force_login(editor)
    client.get(TWO_FACTOR_URL)
    device = TOTPDevice.objects.get(user=editor)

    response = client.post(TWO_FACTOR_URL, {"code": wrong_code(device)})

    assert response.status_code == 200
    errors = BeautifulSoup(response.content, "html.parser").select(".errorlist li")
    assert [e.get_text() for e in errors] == ["That code is not right. Check it and try again."]
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert not StaticDevice.objects.exists()
    assert client.get(ADMIN_URL)["Location"].startswith(TWO_FACTOR_URL)


# Signing in with a second factor.


def test_sign_in_asks_for_the_code_after_the_password(client):
    # A reporter, whom no rule obliges: someone who set up an app is held to it.
    reporter = factories.ReporterFactory(username="rita")
    device, _ = enrolled(reporter)

    response = sign_in(client, "rita")
    assert response["Location"] == ADMIN_URL
    response = client.get(ADMIN_URL)
    assert response["Location"] == f"{VERIFY_URL}?next=/admin/"
    page = BeautifulSoup(client.get(response["Location"]).content, "html.parser")
    assert page.select_one("#user-tools") is None  # no menus before the second factor
    assert page.select_one("input[name=next]")["value"] == ADMIN_URL

    response = client.post(VERIFY_URL, {"code": code_at(device), "next": ADMIN_URL})

    assert response["Location"] == ADMIN_URL
    assert client.get(ADMIN_URL).status_code == 200


def test_a_session_without_its_second_factor_counts_as_signed_out_on_the_site(client):
    editor = factories.EditorFactory()
    device, _ = enrolled(editor)
    draft = factories.ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(editor)

    before = client.get(draft.get_absolute_url())
    client.post(VERIFY_URL, {"code": code_at(device)})
    after = client.get(draft.get_absolute_url())

    assert (before.status_code, after.status_code) == (404, 200)


def test_a_recovery_code_signs_in_once_and_is_audited(client):
    editor = factories.EditorFactory(username="angela")
    _, codes = enrolled(editor)
    client.force_login(editor)

    response = client.post(VERIFY_URL, {"code": codes[0].upper()})

    assert response["Location"] == ADMIN_URL
    assert history() == [("login", "angela", "Signed in with a recovery code; 9 left")]
    client.logout()
    client.force_login(editor)
    again = client.post(VERIFY_URL, {"code": codes[0]})
    assert again.status_code == 200
    assert "That code is not right." in again.content.decode()
    assert client.get(ADMIN_URL)["Location"].startswith(VERIFY_URL)


def test_a_wrong_code_is_refused_audited_and_slows_further_tries(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    editor = factories.EditorFactory(username="angela")
    device, _ = enrolled(editor)
    client.force_login(editor)

    wrong = client.post(VERIFY_URL, {"code": wrong_code(device)})
    right_too_soon = client.post(VERIFY_URL, {"code": code_at(device)})

    errors = [
        BeautifulSoup(r.content, "html.parser").select_one(".errorlist li").get_text()
        for r in (wrong, right_too_soon)
    ]
    assert errors == [
        "That code is not right. Check it and try again.",
        "Too many wrong codes in a row. Wait 60 seconds, then try again.",
    ]
    assert [(action, summary) for action, _, summary in history()] == [
        (
            "login_failed",
            "Second factor refused: code from the authenticator app "
            "(That code is not right. Check it and try again.)",
        ),
        (
            "login_failed",
            "Second factor refused: code from the authenticator app "
            "(Too many wrong codes in a row. Wait 60 seconds, then try again.)",
        ),
    ]
    TOTPDevice.objects.update(throttling_failure_timestamp=timezone.now() - timedelta(minutes=2))
    assert client.post(VERIFY_URL, {"code": code_at(device)})["Location"] == ADMIN_URL


def test_a_session_that_owes_its_second_factor_can_sign_out(client):
    editor = factories.EditorFactory(username="angela")
    enrolled(editor)
    client.force_login(editor)

    response = client.post(reverse("admin:logout"))

    assert response.status_code == 200
    assert not signed_in(client)
    assert history() == [("logout", "angela", "")]


def test_verify_goes_on_only_to_addresses_on_this_site(client):
    editor = factories.EditorFactory()
    device, _ = enrolled(editor)
    client.force_login(editor)

    response = client.post(VERIFY_URL, {"code": code_at(device), "next": "https://evil.example/"})

    assert response["Location"] == ADMIN_URL


# Recovery codes and removal.


def test_new_recovery_codes_replace_the_old_ones(client):
    editor = factories.EditorFactory(username="angela")
    device, old = enrolled(editor)
    client.force_login(editor)
    client.post(VERIFY_URL, {"code": code_at(device)})

    response = client.post(reverse("accounts:two-factor-recovery-codes"))

    new = [c.get_text() for c in BeautifulSoup(response.content, "html.parser").select("li code")]
    stored = StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    assert sorted(stored) == sorted(new)
    assert len(new) == 10 and not set(new) & set(old)
    assert history()[-1][:2] == ("user_change", "angela")
    assert history()[-1][2].startswith("New recovery codes made (10)")


def test_removing_the_app_is_audited_and_a_required_role_must_set_up_another(client, required):
    editor = factories.EditorFactory(username="angela")
    device, _ = enrolled(editor)
    client.force_login(editor)
    client.post(VERIFY_URL, {"code": code_at(device)})

    response = client.post(reverse("accounts:two-factor-remove"))

    assert response["Location"] == TWO_FACTOR_URL
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert not StaticDevice.objects.exists()
    assert history() == [
        (
            "user_change",
            "angela",
            "Two-factor authentication removed: Authenticator app, Recovery codes",
        )
    ]
    assert client.get(ADMIN_URL)["Location"] == f"{TWO_FACTOR_URL}?next=/admin/"


def test_a_superuser_removing_an_app_in_the_admin_is_audited(client):
    colleague = factories.EditorFactory(username="angela")
    device, _ = enrolled(colleague)
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.door, entry.username, entry.object_repr) == (
        "user_change",
        "admin",
        "root",
        "angela",
    )
    assert entry.summary == "Two-factor authentication removed: Authenticator app"
