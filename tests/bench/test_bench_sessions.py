"""The benchmark signs its people in by writing sessions as allauth does; the privileged ones
must carry the second factor the way the MFA middleware reads it, or the bench would measure
redirects."""

import pytest
from django.test import Client

from tests.factories import committee_member, manager_of

pytestmark = pytest.mark.django_db


def test_bench_sessions_of_privileged_people_pass_the_second_factor():
    from bench.fixtures import _session

    for user, page in ((committee_member(), "/fr/registre/"), (manager_of(), "/fr/manager/")):
        client = Client()
        client.cookies["sessionid"] = _session(user, mfa=True)
        assert client.get(page).status_code == 200, page
        client = Client()
        client.cookies["sessionid"] = _session(user, mfa=False)
        assert client.get(page).status_code == 302, page
