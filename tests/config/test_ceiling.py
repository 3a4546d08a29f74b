"""The benchmark's ceiling: a constant answer that touches neither the database nor a session."""

import pytest

pytestmark = pytest.mark.django_db


def test_ceiling_answers_a_constant_without_database_or_session(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/bench/ceiling/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"
    assert "sessionid" not in response.cookies
    assert "Set-Cookie" not in response


def test_ceiling_has_no_language_prefix_and_changes_nothing(client):
    assert client.get("/fr/bench/ceiling/").status_code == 404
    assert client.post("/bench/ceiling/").status_code == 405
