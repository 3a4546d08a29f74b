import re

import pytest
from django.core import mail

from people.models import Institution, Membership, User
from tests.factories import PASSWORD, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db

WRONG_CREDENTIALS_FR = "L’adresse e-mail ou le mot de passe sont incorrects."


def _confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/fr/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_verify_sign_in_and_complete_profile(client):
    institution = InstitutionFactory(name="École nationale de police")

    response = client.post(
        "/fr/accounts/signup/",
        {
            "full_name": "Kadiatou Sidibé",
            "email": "Kadiatou.Sidibe@exemple.ml",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "profession": "policier",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="kadiatou.sidibe@exemple.ml")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kadiatou.sidibe@exemple.ml"]
    assert "Confirm" in message.subject or "Confirmez" in message.subject

    # Unverified: signing in is refused until the address is confirmed.
    response = client.post(
        "/fr/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert "_auth_user_id" not in client.session

    confirm = _confirmation_path(message)
    assert client.get(confirm).status_code == 200
    assert client.post(confirm).status_code == 302
    assert user.emailaddress_set.get().verified

    response = client.post("/fr/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    response = client.get("/fr/accounts/profile/")
    assert response.status_code == 200
    assert "Mon profil" in response.content.decode()
    response = client.post(
        "/fr/accounts/profile/",
        {
            "full_name": "Kadiatou Sidibé",
            "matricule": "ENP-2026-001",
            "profession": "policier",
            "sex": "F",
            "preferred_language": "fr",
            "requested_institution": institution.pk,
        },
        follow=True,
    )
    assert "Votre profil a été enregistré." in response.content.decode()
    user.refresh_from_db()
    assert user.full_name == "Kadiatou Sidibé"
    assert user.profession == "policier"
    membership = Membership.objects.get(user=user)
    assert (membership.institution, membership.status) == (institution, "requested")


def test_profile_with_a_tampered_choice_is_refused_and_changes_nothing(client):
    user = UserFactory(full_name="Awa Touré")
    client.force_login(user)
    response = client.post(
        "/fr/accounts/profile/",
        {
            "full_name": "Quelqu'un d'autre",
            "profession": "roi",
            "sex": "F",
            "preferred_language": "fr",
            "requested_institution": 999999,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sélectionnez un choix valide" in body
    user.refresh_from_db()
    assert user.full_name == "Awa Touré"
    assert not Membership.objects.filter(user=user).exists()
    assert Institution.objects.count() == 0


@pytest.mark.parametrize("email", ["personne@exemple.ml", "inconnu@exemple.ml"])
def test_wrong_password_or_unknown_email_gets_a_clear_french_message(client, email):
    UserFactory(email="personne@exemple.ml")
    response = client.post("/fr/accounts/login/", {"login": email, "password": "mauvais-mot"})
    assert response.status_code == 200
    assert WRONG_CREDENTIALS_FR in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failed_sign_ins_hit_the_rate_limit(client):
    user = UserFactory()
    for _ in range(5):
        client.post("/fr/accounts/login/", {"login": user.email, "password": "mauvais-mot"})
    response = client.post("/fr/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_up_can_be_closed_to_invited_people_only(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUP = False
    response = client.post(
        "/fr/accounts/signup/",
        {"email": "nouveau@exemple.ml", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not User.objects.filter(email="nouveau@exemple.ml").exists()
    assert "Inscriptions fermées" in response.content.decode()


def test_sign_in_lands_in_the_learners_language(client):
    user = UserFactory(preferred_language="en")
    response = client.post("/fr/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/my-training/"
