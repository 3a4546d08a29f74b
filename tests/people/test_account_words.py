"""The small words around accounts: confirming the address signs in (the second factor still
asked of those who have one), the e-mails name the site, password errors sit with the password
field, the code field brings up a digit keypad, dates read « 1er décembre »."""

import datetime
import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth.models import Group
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from people.models import User
from people.roles import COMMITTEE_GROUP
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Kadiatou Sidibé",
    "email": "kadiatou.sidibe@exemple.ml",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "profession": "policier",
}


def _totp(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/fr/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _field_block(html: str, name: str) -> str:
    """The markup of the form field `name`: its `<div class="field…">` block, up to the next
    field or the end of the form."""
    form = html[: html.find("</form>", html.find(f'name="{name}"'))]
    for block in re.split(r'(?=<div class="field[ "])', form):
        if block.startswith('<div class="field') and f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field block for {name}")


def test_confirming_the_address_signs_the_new_learner_in(client):
    assert client.post("/fr/accounts/signup/", SIGNUP).status_code == 302
    assert "_auth_user_id" not in client.session
    response = client.post(_confirmation_path(mail.outbox[-1]))
    user = User.objects.get(email=SIGNUP["email"])
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.status_code == 302
    assert response["Location"] == "/fr/ma-formation/"
    assert client.get("/fr/ma-formation/").status_code == 200


def test_confirming_the_address_of_an_account_with_a_second_factor_still_asks_for_the_code(
    client,
):
    member = UserFactory(verified=False)
    member.groups.add(Group.objects.get(name=COMMITTEE_GROUP))
    secret = generate_totp_secret()
    TOTP.activate(member, secret)

    # The address is not confirmed yet: signing in sends the confirmation e-mail.
    client.post("/fr/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    response = client.post(_confirmation_path(mail.outbox[-1]))
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.get("/fr/registre/").status_code == 302  # still signed out

    response = client.post("/fr/accounts/2fa/authenticate/", {"code": _totp(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    assert client.get("/fr/registre/").status_code == 200


def test_the_confirmation_email_names_the_site_not_the_servers_address(client, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://formation.justice.ml"
    client.post("/fr/accounts/signup/", SIGNUP, HTTP_HOST="127.0.0.1")
    body = mail.outbox[-1].body
    assert "Formation judiciaire — lutte contre la traite" in body
    assert "formation.justice.ml" in body
    # The link itself leads back to the address the person used.
    assert "http://127.0.0.1/fr/accounts/confirm-email/" in body
    assert "de la part de 127.0.0.1" not in body and "from 127.0.0.1" not in body


def test_the_password_reset_email_names_the_site(client, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://formation.justice.ml"
    user = UserFactory()
    client.post("/fr/accounts/password/reset/", {"email": user.email})
    body = mail.outbox[-1].body
    assert "Formation judiciaire — lutte contre la traite" in body
    assert "testserver" not in body.split("http")[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sign_up_password_errors_sit_with_the_password_field(client, lang):
    short = {**SIGNUP, "password1": "123", "password2": "123"}
    html = client.post(f"/{lang}/accounts/signup/", short).content.decode()
    block = _field_block(html, "password1")
    assert 'class="field has-error"' in block
    assert 'role="alert"' in block
    assert ("trop court" if lang == "fr" else "too short") in block
    # The error comes after the field, announced with it.
    assert block.index('name="password1"') < block.index('role="alert"')
    assert 'aria-invalid="true"' in block


def test_a_password_typed_differently_twice_is_said_at_the_second_field(client):
    mismatch = {**SIGNUP, "password2": PASSWORD + "x"}
    html = client.post("/fr/accounts/signup/", mismatch).content.decode()
    block = _field_block(html, "password2")
    assert "has-error" in block and "même mot de passe" in block


def test_password_change_errors_sit_with_their_field(client):
    user = UserFactory()
    client.force_login(user)
    html = client.post(
        "/fr/accounts/password/change/",
        {"oldpassword": "faux", "password1": "123", "password2": "123"},
    ).content.decode()
    assert "has-error" in _field_block(html, "oldpassword")
    assert "trop court" in _field_block(html, "password1")


def test_every_allauth_form_renders_labels_and_hidden_fields_properly(client):
    html = client.get("/fr/accounts/login/").content.decode()
    assert '<label for="id_login"' in html and '<label for="id_password"' in html
    remember = _field_block(html, "remember")
    # A checkbox comes before its label.
    assert remember.index('type="checkbox"') < remember.index("<label")


def test_the_code_field_brings_up_a_digit_keypad_and_offers_the_code_received(client):
    member = UserFactory()
    member.groups.add(Group.objects.get(name=COMMITTEE_GROUP))
    TOTP.activate(member, generate_totp_secret())
    client.post("/fr/accounts/login/", {"login": member.email, "password": PASSWORD})
    html = client.get("/fr/accounts/2fa/authenticate/").content.decode()
    code = _field_block(html, "code")
    assert 'inputmode="numeric"' in code and 'autocomplete="one-time-code"' in code


def test_the_totp_set_up_code_field_too(client):
    learner = UserFactory()
    client.force_login(learner)
    response = client.post("/fr/accounts/reauthenticate/", {"password": PASSWORD})
    html = client.get("/fr/accounts/2fa/totp/activate/").content.decode()
    code = _field_block(html, "code")
    assert 'inputmode="numeric"' in code and 'autocomplete="one-time-code"' in code
    assert response.status_code in (200, 302)
    assert not Authenticator.objects.filter(user=learner).exists()


def test_assignment_reminders_say_1er_decembre(settings):
    context = {
        "user": UserFactory(full_name="Awa Touré"),
        "title": "Définir la traite",
        "assigned_by": "Le gestionnaire",
        "due_on": datetime.date(2026, 12, 1),
        "overdue": False,
        "url": "https://formation.justice.ml/fr/",
    }
    with translation.override("fr"):
        french = render_to_string("courses/email/assignment_reminder.txt", context)
    with translation.override("en"):
        english = render_to_string("courses/email/assignment_reminder.txt", context)
    assert "1er décembre 2026" in french
    assert "1 December 2026" in english
