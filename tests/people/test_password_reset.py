import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_password_reset_by_e_mail_link(client):
    user = UserFactory()
    response = client.post("/fr/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/fr/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    new_password = PASSWORD + "-nouveau"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_unknown_address_for_reset_sends_nothing_revealing(client):
    response = client.post("/fr/accounts/password/reset/", {"email": "personne@inconnu.ml"})
    assert response.status_code == 302
    assert all("reset/key" not in m.body for m in mail.outbox)
