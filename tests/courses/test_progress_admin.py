import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from courses import services
from people import services as people_services
from people.choices import MembershipRole
from people.roles import EDITORS_GROUP
from tests.factories import InstitutionFactory, UserFactory, course_with_lessons

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    course, _modules, lessons = course_with_lessons(modules=1, lessons=2, title="Cours sur la loi")
    a, b = InstitutionFactory(name="École A"), InstitutionFactory(name="École B")
    manager = UserFactory()
    people_services.add_member(user=manager, institution=a, role=MembershipRole.MANAGER)
    TOTP.activate(manager, generate_totp_secret())
    learner_a = UserFactory(full_name="Cadet de A")
    learner_b = UserFactory(full_name="Cadet de B")
    people_services.add_member(user=learner_a, institution=a)
    people_services.add_member(user=learner_b, institution=b)
    for learner in (learner_a, learner_b):
        services.enrol(user=learner, course=course)
    services.complete_lesson(user=learner_a, lesson=lessons[0])
    return {"manager": manager, "a": learner_a, "b": learner_b, "course": course, "inst_a": a}


def _editing_manager(manager):
    """Managers enter the admin only when they edit content too (people/0005)."""
    from django.contrib.auth.models import Group

    manager.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return manager


def test_a_plain_manager_follows_progress_in_the_manager_area_not_the_admin(client, setting):
    client.force_login(setting["manager"])
    assert client.get("/admin/enrolments/").status_code == 302


def test_a_manager_lists_the_enrolments_of_their_institution_only(client, setting):
    client.force_login(_editing_manager(setting["manager"]))
    body = client.get("/admin/enrolments/").content.decode()
    assert "Cadet de A" in body
    assert "Cadet de B" not in body


def test_the_enrolment_list_filters_by_status_and_institution(client, setting):
    admin = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    body = client.get("/admin/enrolments/?status=in_progress").content.decode()
    assert "Cadet de A" in body and "Cadet de B" not in body
    body = client.get(f"/admin/enrolments/?institution={setting['inst_a'].pk}").content.decode()
    assert "Cadet de A" in body and "Cadet de B" not in body


def test_a_learner_progress_view_shows_lessons_and_refuses_other_institutions(client, setting):
    client.force_login(_editing_manager(setting["manager"]))
    response = client.get(f"/admin/enrolments/learner/{setting['a'].pk}/")
    assert response.status_code == 200
    assert "Cours sur la loi" in response.content.decode()
    assert client.get(f"/admin/enrolments/learner/{setting['b'].pk}/").status_code == 404


def test_learners_cannot_open_the_staff_views(client, setting):
    client.force_login(setting["a"])
    assert client.get("/admin/enrolments/").status_code in (302, 403)
