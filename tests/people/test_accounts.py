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


# --- Who the learner is (issue 16) ------------------------------------------------------------


def _signup(client, **fields):
    data = {
        "full_name": "Ibrahim Coulibaly",
        "email": "ibrahim.coulibaly@justice.ml",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "profession": "juge",
        "matricule": "MAG-0420",
        **fields,
    }
    return client.post("/fr/accounts/signup/", data)


def test_the_sign_up_page_asks_for_the_full_name_profession_matricule_and_institution(client):
    html = client.get("/fr/accounts/signup/").content.decode()
    for name in ("full_name", "email", "password1", "profession", "matricule"):
        assert f'name="{name}"' in html, name
    assert 'name="requested_institution"' in html
    assert "Nom complet" in html and "Matricule" in html
    assert 'autocomplete="name"' in html
    # The name comes first, the optional fields last.
    assert html.index('name="full_name"') < html.index('name="email"')
    assert html.index('name="password2"') < html.index('name="profession"')


def test_signing_up_through_allauth_records_name_profession_matricule_and_request(client):
    institution = InstitutionFactory(name="Tribunal de grande instance de Kayes")
    response = _signup(
        client, full_name="  Ibrahim   Coulibaly ", requested_institution=institution.pk
    )
    assert response.status_code == 302
    user = User.objects.get(email="ibrahim.coulibaly@justice.ml")
    assert (user.full_name, user.profession, user.matricule) == (
        "Ibrahim Coulibaly",
        "juge",
        "MAG-0420",
    )
    assert user.preferred_language == "fr"
    membership = Membership.objects.get(user=user)
    assert (membership.institution, membership.status) == (institution, "requested")


def test_signing_up_in_english_sets_english_and_the_matricule_is_optional(client):
    data = {
        "full_name": "Awa Touré",
        "email": "awa.toure@justice.ml",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "profession": "greffier",
    }
    assert client.post("/en/accounts/signup/", data).status_code == 302
    user = User.objects.get(email="awa.toure@justice.ml")
    assert (user.full_name, user.matricule, user.preferred_language) == ("Awa Touré", "", "en")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"full_name": ""}, "Indiquez votre nom complet : il figure sur vos attestations."),
        ({"full_name": "   "}, "Indiquez votre nom complet : il figure sur vos attestations."),
        ({"profession": ""}, "Choisissez votre profession."),
        ({"profession": "roi"}, "Sélectionnez un choix valide"),
        ({"requested_institution": "999999"}, "Sélectionnez un choix valide"),
        ({"full_name": "x" * 201}, "au plus 200 caractères"),
    ],
)
def test_a_sign_up_without_a_name_or_with_tampered_choices_creates_nothing(client, fields, message):
    response = _signup(client, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="ibrahim.coulibaly@justice.ml").exists()
    assert not mail.outbox


def test_an_account_without_a_name_gives_it_before_enrolling_then_goes_back(client):
    from courses.models import Enrolment
    from tests.factories import CoursePageFactory

    course = CoursePageFactory()
    user = UserFactory(full_name="")
    client.force_login(user)
    response = client.post(f"/fr/learning/courses/{course.pk}/enrol/", follow=True)
    assert not Enrolment.objects.filter(user=user).exists()
    body = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/fr/accounts/profile/?next=")
    assert "Indiquez votre nom complet avant de vous inscrire" in body

    course_url = course.get_url()
    response = client.post(
        "/fr/accounts/profile/",
        {
            "full_name": "Ibrahim Coulibaly",
            "profession": "juge",
            "sex": "M",
            "preferred_language": "fr",
            "next": course_url,
        },
    )
    assert response.status_code == 302 and response["Location"] == course_url
    response = client.post(f"/fr/learning/courses/{course.pk}/enrol/")
    assert Enrolment.objects.filter(user=user).exists()


def test_the_profile_never_sends_back_to_another_site(client):
    user = UserFactory(full_name="")
    client.force_login(user)
    response = client.post(
        "/fr/accounts/profile/?next=https://exemple.com/",
        {
            "full_name": "Ibrahim Coulibaly",
            "profession": "juge",
            "sex": "M",
            "preferred_language": "fr",
            "next": "https://exemple.com/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/fr/accounts/profile/"
