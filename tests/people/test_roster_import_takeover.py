"""A roster import creates people and updates its own institution's members; it never takes
over another account (issue 14, finding 2)."""

import pytest
from django.contrib.auth.models import Group

from people import services
from people.choices import MembershipRole, MembershipStatus
from people.manager import importing
from people.models import Membership, User
from people.roles import ADMINISTRATORS_GROUP, COMMITTEE_GROUP, EDITORS_GROUP, MANAGERS_GROUP
from tests.factories import InstitutionFactory, UserFactory, manager_of, member_of
from tests.people.test_roster_import import csv_file, preview_of, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return InstitutionFactory(name="École nationale de police")


@pytest.fixture
def manager(school):
    return manager_of(school)


def _in_group(name, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=name))
    return user


def _accounts():
    return {
        "committee": _in_group(COMMITTEE_GROUP, email="comite@exemple.ml", full_name="Comité"),
        "editor": _in_group(EDITORS_GROUP, email="redac@exemple.ml", full_name="Rédactrice"),
        "administrator": _in_group(
            ADMINISTRATORS_GROUP, email="admin@exemple.ml", full_name="Admin"
        ),
        "superuser": UserFactory(
            email="root@exemple.ml", full_name="Root", is_superuser=True, is_staff=True
        ),
        "self-registered": UserFactory(email="libre@exemple.ml", full_name="Inscrite seule"),
        "other institution": member_of(
            InstitutionFactory(), email="autre@exemple.ml", full_name="Autre"
        ),
    }


def _snapshot(users):
    return {
        u.pk: (u.full_name, u.matricule, sorted(u.memberships.values_list("institution", "status")))
        for u in User.objects.filter(pk__in=[x.pk for x in users])
    }


def test_no_existing_account_outside_the_institution_is_planned_as_an_update(school):
    accounts = _accounts()
    rows = [
        {"full_name": "Nouveau Nom", "email": user.email, "matricule": "X-1", "profession": ""}
        for user in accounts.values()
    ]
    plans = importing.plan_rows(institution=school, rows=rows)
    assert [p.action for p in plans] == [importing.Action.ERROR] * len(accounts)
    by_email = {p.email: " ".join(p.errors) for p in plans}
    assert "droits d’administration" in by_email["comite@exemple.ml"]
    assert "droits d’administration" in by_email["root@exemple.ml"]
    assert "demander son rattachement" in by_email["libre@exemple.ml"]
    assert "demander son rattachement" in by_email["autre@exemple.ml"]


def test_the_dry_run_refuses_the_takeover_in_french_and_nothing_changes(client, manager):
    accounts = _accounts()
    before = _snapshot(accounts.values())
    lines = [f"Pirate;{user.email};M-1;policier;F;Promo" for user in accounts.values()]
    url = preview_of(upload(client, manager, csv_file(*lines)))
    page = client.get(url).content.decode()
    assert page.count("appartient à un compte existant") == 2
    assert page.count("droits d’administration") == 4
    response = client.post(url)
    assert "correct them" in response.content.decode() or response.status_code == 200
    assert _snapshot(accounts.values()) == before
    assert importing.RosterImport.objects.get().status == "preview"


def test_a_manager_of_the_same_institution_is_never_changed_by_an_import(school, manager):
    colleague = manager_of(school, email="collegue@exemple.ml", full_name="Collègue")
    plans = importing.plan_rows(
        institution=school, rows=[{"full_name": "Autre nom", "email": colleague.email}]
    )
    assert plans[0].action == importing.Action.ERROR
    assert "droits d’administration" in plans[0].errors[0]


def test_own_members_are_updated(school):
    member = member_of(school, email="awa@exemple.ml", full_name="Awa")
    plans = importing.plan_rows(
        institution=school, rows=[{"full_name": "Awa Diallo", "email": member.email}]
    )
    assert plans[0].action == importing.Action.UPDATE


def test_a_person_who_asked_to_join_is_accepted_as_a_learner_and_the_group_resynced(
    school, manager
):
    requester = UserFactory(email="demande@exemple.ml", full_name="Demandeuse")
    membership = services.request_membership(user=requester, institution=school)
    # A stale manager role on a pending request must not come back as a power.
    Membership.objects.filter(pk=membership.pk).update(role=MembershipRole.MANAGER)
    roster_import = importing.RosterImport.objects.create(
        institution=school,
        uploaded_by=manager,
        file_name="effectif.csv",
        rows=[{"full_name": "Demandeuse Traoré", "email": requester.email}],
    )
    importing.apply_import(roster_import=roster_import)
    membership.refresh_from_db()
    assert (membership.status, membership.role) == (
        MembershipStatus.ACTIVE,
        MembershipRole.LEARNER,
    )
    assert not requester.groups.filter(name=MANAGERS_GROUP).exists()
