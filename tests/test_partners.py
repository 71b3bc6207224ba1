"""
Partners and their API keys: written only through the services, every change audited, a key
shown once and stored as its digest alone; managed in the admin by Administrators only.
"""

import hashlib
import io

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from newsroom.audit.models import Action, AuditEntry, Door
from newsroom.partners import services
from newsroom.partners.models import Partner
from tests import factories
from tests.api_client import LIST_URL, api_get, partner_with_key

pytestmark = pytest.mark.django_db


def everything_stored():
    """Every row of every table, as dumpdata writes them."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def entries_about(partner):
    return list(AuditEntry.objects.for_object(partner).order_by("at", "pk"))


@pytest.fixture
def admin_user():
    return factories.EditorFactory(role="Administrator", username="ada")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_new_partner_gets_a_key_stored_only_as_its_digest(admin_user):
    world = factories.SectionFactory(slug="world", name="World")

    partner, key = services.partner_create(
        partner=Partner(name="Baltic News Agency", contact_email="desk@bna.example"),
        sections=[world],
        by=admin_user,
    )

    assert len(key) == 43
    assert partner.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert partner.key_prefix == key[:8]
    assert Partner.objects.for_key(key).get() == partner
    assert key not in everything_stored()
    [entry] = entries_about(partner)
    assert (entry.action, entry.door, entry.username) == (Action.CREATE, Door.SHELL, "ada")
    assert entry.summary == (
        f"Partner created with access to sections World; key issued (starts {key[:8]})"
    )


@pytest.mark.parametrize(
    "values",
    [{"name": ""}, {"contact_email": "not an address"}, {"rate_limit": 0}, {"name": "Taken"}],
)
def test_an_invalid_partner_is_refused_and_nothing_is_written(values):
    partner_with_key(name="Taken")
    before = (Partner.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationError):
        services.partner_create(partner=Partner(**{"name": "New", **values}))

    assert (Partner.objects.count(), AuditEntry.objects.count()) == before


def test_a_change_is_audited_with_the_fields_that_changed(admin_user):
    partner, _ = partner_with_key()
    sport = factories.SectionFactory(slug="sport", name="Sport")

    partner.rate_limit, partner.all_sections = 30, False
    services.partner_update(partner=partner, sections=[sport], by=admin_user, door=Door.ADMIN)
    services.partner_update(partner=partner, sections=[sport], by=admin_user)  # no change

    entries = entries_about(partner)
    assert [entry.action for entry in entries] == [Action.CREATE, Action.CHANGE]
    assert entries[1].fields == ["all_sections", "rate_limit", "sections"]
    assert entries[1].door == Door.ADMIN and entries[1].username == "ada"
    assert "access to sections Sport" in entries[1].summary


def test_an_update_never_changes_the_key_or_revocation():
    partner, key = partner_with_key()
    partner.key_hash, partner.revoked_at = "0" * 64, None
    services.partner_revoke(partner=Partner.objects.get(pk=partner.pk))

    partner.name = "Renamed"
    services.partner_update(partner=partner)

    stored = Partner.objects.get(pk=partner.pk)
    assert stored.name == "Renamed"
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert stored.revoked_at is not None


def test_a_new_key_replaces_the_old_and_brings_a_revoked_partner_back(admin_user):
    partner, old_key = partner_with_key()
    services.partner_revoke(partner=partner, by=admin_user)
    services.partner_revoke(partner=partner, by=admin_user)  # revoked already: nothing

    new_key = services.partner_rotate_key(partner=partner, by=admin_user)

    assert new_key != old_key
    assert not Partner.objects.for_key(old_key).exists()
    assert Partner.objects.for_key(new_key).get() == partner
    assert partner.revoked_at is None and partner.key_prefix == new_key[:8]
    entries = entries_about(partner)
    assert [entry.action for entry in entries] == [Action.CREATE, Action.CHANGE, Action.CHANGE]
    assert entries[1].summary.startswith(f"Access revoked: the key starting {old_key[:8]}")
    assert entries[2].summary.startswith(f"New key issued (starts {new_key[:8]})")
    stored = everything_stored()
    assert old_key not in stored and new_key not in stored


def test_the_admin_shows_a_new_key_once_and_keeps_it_nowhere(admin_client):
    world = factories.SectionFactory(slug="world", name="World")
    factories.ArticleFactory(slug="summit", section=world)

    response = admin_client.post(
        reverse("admin:partners_partner_add"),
        {"name": "Baltic News Agency", "contact_email": "desk@bna.example", "sections": [world.pk]},
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = BeautifulSoup(response.content, "html.parser").select_one("code.partner-api-key").text
    partner = Partner.objects.get()
    assert Partner.objects.for_key(key).get() == partner
    assert [s.slug for s in partner.sections.all()] == ["world"]
    assert all(key not in morsel.value for morsel in response.cookies.values())
    assert key not in everything_stored()  # sessions, admin log and audit log included
    [entry] = entries_about(partner)
    assert (entry.action, entry.door, entry.username) == (Action.CREATE, Door.ADMIN, "ada")
    # Never shown again: not on the list, not on the partner's page.
    for url in [
        reverse("admin:partners_partner_changelist"),
        reverse("admin:partners_partner_change", args=[partner.pk]),
    ]:
        page = admin_client.get(url).content.decode()
        assert key not in page and partner.key_hash not in page and key[:8] in page
    assert api_get(LIST_URL, key).status_code == 200


def test_the_admin_change_form_saves_through_the_service(admin_client):
    partner, _ = partner_with_key(all_sections=True)

    response = admin_client.post(
        reverse("admin:partners_partner_change", args=[partner.pk]),
        {"name": "Renamed Agency", "contact_email": "", "all_sections": "on", "rate_limit": "60"},
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner.rate_limit) == ("Renamed Agency", 60)
    entry = entries_about(partner)[-1]
    assert entry.fields == ["name", "rate_limit"] and entry.door == Door.ADMIN


def test_the_admin_revokes_and_issues_new_keys(admin_client):
    partner, old_key = partner_with_key()
    url = reverse("admin:partners_partner_changelist")

    admin_client.post(url, {"action": "revoke", "_selected_action": [partner.pk]})
    assert api_get(LIST_URL, old_key).status_code == 401
    response = admin_client.post(url, {"action": "issue_new_key", "_selected_action": [partner.pk]})

    new_key = BeautifulSoup(response.content, "html.parser").select_one("code.partner-api-key").text
    assert api_get(LIST_URL, new_key).status_code == 200
    assert [entry.door for entry in entries_about(partner)] == [
        Door.SHELL,
        Door.ADMIN_ACTION,
        Door.ADMIN_ACTION,
    ]
    assert new_key not in everything_stored()


def test_partners_are_revoked_never_deleted(admin_client):
    partner, _ = partner_with_key()

    response = admin_client.post(reverse("admin:partners_partner_delete", args=[partner.pk]))

    assert response.status_code == 403
    assert Partner.objects.filter(pk=partner.pk).exists()


def test_the_history_of_a_partner_is_its_audit_log(admin_client):
    partner, _ = partner_with_key()

    response = admin_client.get(reverse("admin:partners_partner_history", args=[partner.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:audit_auditentry_changelist"))


@pytest.mark.parametrize("role", ["Editor", "Reporter"])
def test_only_administrators_manage_partners(client, role):
    partner_with_key()
    client.force_login(factories.EditorFactory(role=role))

    assert client.get(reverse("admin:partners_partner_changelist")).status_code == 403
    assert client.get(reverse("admin:partners_partner_add")).status_code == 403


@pytest.mark.parametrize("count", [1, 3])
def test_changelist_queries_do_not_grow_with_partners(
    admin_client, django_assert_num_queries, count
):
    sections = [factories.SectionFactory(), factories.SectionFactory()]
    for number in range(count):
        partner_with_key(name=f"Partner {number}", sections=sections)

    # session, user, its and its groups' permissions, 2 counts, partners, their sections
    with django_assert_num_queries(8):
        response = admin_client.get(reverse("admin:partners_partner_changelist"))

    rows = BeautifulSoup(response.content, "html.parser").select("#result_list tbody tr")
    assert len(rows) == count
    assert sections[0].name in rows[0].text
