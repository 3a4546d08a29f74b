"""Managers answer requests to join in the manager area (they no longer enter the admin); a
pending request shows who asks, never their records (issue 14, section 4)."""

import pytest
from django.urls import reverse

from people import services
from people.choices import MembershipRole, MembershipStatus
from people.models import Membership
from tests.factories import CertificateFactory, InstitutionFactory, manager_of, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    x, y = InstitutionFactory(name="Institution X"), InstitutionFactory(name="Institution Y")
    requester = member_of(y, email="b@exemple.ml", full_name="Bintou Bagayoko")
    request = services.request_membership(user=requester, institution=x)
    return x, y, requester, request, manager_of(x), manager_of(y)


def test_the_manager_sees_the_request_but_not_the_requesters_records(client, world):
    _x, _y, requester, _request, manager_x, _manager_y = world
    certificate = CertificateFactory(holder=requester)
    client.force_login(manager_x)
    page = client.get(reverse("manager_requests")).content.decode()
    assert "Bintou Bagayoko" in page and "b@exemple.ml" in page
    assert client.get(reverse("manager_learner", args=[requester.pk])).status_code == 404
    assert client.get(reverse("certificate_download", args=[certificate.pk])).status_code == 404
    people = client.get(reverse("manager_people")).content.decode()
    assert "Bintou Bagayoko" not in people


def test_accepting_makes_a_learner_and_opens_the_records(client, world):
    x, _y, requester, request, manager_x, _manager_y = world
    client.force_login(manager_x)
    response = client.post(reverse("manager_request_answer", args=[request.pk, "accept"]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.role) == (MembershipStatus.ACTIVE, MembershipRole.LEARNER)
    assert client.get(reverse("manager_learner", args=[requester.pk])).status_code == 200
    # A double submit says so and changes nothing.
    response = client.post(
        reverse("manager_request_answer", args=[request.pk, "accept"]), follow=True
    )
    assert "déjà reçu une réponse" in response.content.decode()
    assert Membership.objects.filter(user=requester, institution=x).count() == 1


def test_declining_deletes_the_request(client, world):
    _x, _y, requester, request, manager_x, _manager_y = world
    client.force_login(manager_x)
    client.post(reverse("manager_request_answer", args=[request.pk, "decline"]))
    assert not Membership.objects.filter(pk=request.pk).exists()
    assert requester.memberships.count() == 1


def test_another_institutions_manager_cannot_answer_and_a_bad_decision_is_refused(client, world):
    _x, _y, _requester, request, manager_x, manager_y = world
    client.force_login(manager_y)
    url = reverse("manager_request_answer", args=[request.pk, "accept"])
    assert client.post(url).status_code == 404
    client.force_login(manager_x)
    url = reverse("manager_request_answer", args=[request.pk, "approve-all"])
    assert client.post(url).status_code == 404
    request.refresh_from_db()
    assert request.status == MembershipStatus.REQUESTED
    assert (
        client.get(reverse("manager_request_answer", args=[request.pk, "accept"])).status_code
        == 405
    )
