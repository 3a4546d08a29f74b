import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.contrib.auth.models import Group

from people import services
from people.choices import MembershipRole
from people.roles import COMMITTEE_GROUP
from tests.factories import PASSWORD, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _totp(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _sign_in(client, user):
    response = client.post("/fr/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_manager_without_mfa_is_sent_to_set_it_up_then_reaches_the_manager_area(client):
    manager = UserFactory()
    services.add_member(user=manager, institution=InstitutionFactory(), role=MembershipRole.MANAGER)
    _sign_in(client, manager)

    for url in ["/fr/", "/fr/manager/", "/fr/accounts/profile/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/fr/accounts/2fa/totp/activate/", url

    # allauth asks for the password again before an authenticator is added.
    response = client.get("/fr/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/fr/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    response = client.get("/fr/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post("/fr/accounts/2fa/totp/activate/", {"code": "000000"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=manager).exists()

    response = client.post("/fr/accounts/2fa/totp/activate/", {"code": _totp(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()

    assert client.get("/fr/manager/").status_code == 200
    # Managers work in the manager area; the admin is for editors and administrators.
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_committee_member_is_asked_for_the_second_factor_at_sign_in(client):
    member = UserFactory()
    member.groups.add(Group.objects.get(name=COMMITTEE_GROUP))
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(member, secret)

    response = _sign_in(client, member)
    assert response["Location"] == "/fr/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/fr/accounts/2fa/authenticate/", {"code": _totp(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    assert client.get("/fr/").status_code == 200


def test_learner_is_not_forced_to_use_mfa(client):
    learner = UserFactory()
    services.add_member(user=learner, institution=InstitutionFactory())
    _sign_in(client, learner)
    assert client.get("/fr/").status_code == 200
    assert client.get("/fr/accounts/2fa/").status_code == 200


def test_losing_the_manager_role_withdraws_admin_access_group(client):
    user = UserFactory()
    institution = InstitutionFactory()
    services.add_member(user=user, institution=institution, role=MembershipRole.MANAGER)
    assert user.groups.filter(name="Gestionnaires").exists()
    services.add_member(user=user, institution=institution, role=MembershipRole.LEARNER)
    assert not user.groups.filter(name="Gestionnaires").exists()


def _with_totp(user) -> str:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def test_a_manager_lands_in_the_manager_area_after_the_second_factor(client):
    manager = UserFactory()
    services.add_member(user=manager, institution=InstitutionFactory(), role=MembershipRole.MANAGER)
    secret = _with_totp(manager)
    assert _sign_in(client, manager)["Location"] == "/fr/accounts/2fa/authenticate/"
    response = client.post("/fr/accounts/2fa/authenticate/", {"code": _totp(secret)})
    assert response["Location"] == "/fr/manager/"


def test_a_committee_member_and_a_learner_land_in_ma_formation(client):
    member = UserFactory()
    member.groups.add(Group.objects.get(name=COMMITTEE_GROUP))
    secret = _with_totp(member)
    _sign_in(client, member)
    response = client.post("/fr/accounts/2fa/authenticate/", {"code": _totp(secret)})
    assert response["Location"] == "/fr/ma-formation/"
    client.logout()
    learner = UserFactory(preferred_language="en")
    services.add_member(user=learner, institution=InstitutionFactory())
    assert _sign_in(client, learner)["Location"] == "/en/my-training/"


def test_cancel_and_sign_in_look_different_on_the_second_factor_page(client):
    import re

    member = UserFactory()
    member.groups.add(Group.objects.get(name=COMMITTEE_GROUP))
    _with_totp(member)
    _sign_in(client, member)
    page = client.get("/fr/accounts/2fa/authenticate/").content.decode()
    buttons = {
        " ".join(label.split()): attributes
        for attributes, label in re.findall(r"<button([^>]*)>(.*?)</button>", page, re.S)
    }
    assert 'class="link-button"' in buttons["Annuler"]
    assert "class=" not in buttons["Connexion"]
    assert (
        'type="submit"' in buttons["Connexion"] and 'form="logout-from-stage"' in buttons["Annuler"]
    )
