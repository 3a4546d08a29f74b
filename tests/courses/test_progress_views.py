import pytest

from courses import services
from courses.models import Enrolment, EnrolmentStatus, LessonProgress
from tests.factories import UserFactory, course_with_lessons

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client):
    user = UserFactory(full_name="Aminata Traoré")
    client.force_login(user)
    return user


def test_a_learner_enrols_from_the_course_page_and_sees_resume(client, learner):
    course, _modules, lessons = course_with_lessons()
    page = client.get(course.url).content.decode()
    assert "S'inscrire à ce cours" in page
    response = client.post(f"/fr/learning/courses/{course.pk}/enrol/")
    assert response.status_code == 302
    assert Enrolment.objects.filter(user=learner, course=course).exists()
    page = client.get(course.url).content.decode()
    assert "Reprendre" in page
    assert lessons[0].url in page


def test_marking_a_lesson_done_is_a_csrf_protected_post(learner):
    from django.test import Client

    course, _modules, lessons = course_with_lessons()
    services.enrol(user=learner, course=course)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    response = strict.post(f"/fr/learning/lessons/{lessons[0].pk}/complete/")
    assert response.status_code == 403
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()
    assert strict.get(f"/fr/learning/lessons/{lessons[0].pk}/complete/").status_code == 405


def test_pressing_done_shows_the_lesson_done_and_the_next_one(client, learner):
    course, _modules, lessons = course_with_lessons()
    services.enrol(user=learner, course=course)
    response = client.post(f"/fr/learning/lessons/{lessons[0].pk}/complete/", follow=True)
    body = response.content.decode()
    assert "Leçon terminée." in body
    assert "Vous avez terminé cette leçon." in body
    assert lessons[1].url in body


def test_completing_a_lesson_without_enrolment_gets_a_clear_message(client, learner):
    _course, _modules, lessons = course_with_lessons()
    response = client.post(f"/fr/learning/lessons/{lessons[0].pk}/complete/", follow=True)
    assert "Inscrivez-vous au cours avant de terminer ses leçons." in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_a_locked_lesson_says_what_to_finish_first(client, learner):
    course, modules, lessons = course_with_lessons(modules=2, lessons=1, modules_in_order=True)
    services.enrol(user=learner, course=course)
    body = client.get(lessons[1].url).content.decode()
    assert "Cette leçon est verrouillée" in body
    assert modules[0].title in body
    assert "Le texte de la leçon." not in body
    response = client.post(f"/fr/learning/lessons/{lessons[1].pk}/complete/", follow=True)
    assert "Cette leçon est verrouillée" in response.content.decode()
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_unknown_or_foreign_ids_answer_404(client, learner):
    course, _modules, lessons = course_with_lessons()
    other = services.enrol(user=UserFactory(), course=course)
    assert client.post(f"/fr/learning/enrolments/{other.pk}/withdraw/").status_code == 404
    assert Enrolment.objects.get(pk=other.pk).status == EnrolmentStatus.ENROLLED
    assert client.post("/fr/learning/lessons/999999/complete/").status_code == 404
    assert client.post(f"/fr/learning/courses/{lessons[0].pk}/enrol/").status_code == 404


def test_my_training_lists_courses_in_progress_and_completed(client, learner):
    course_a, _m, lessons_a = course_with_lessons(modules=1, lessons=2, title="Cours A")
    course_b, _m, lessons_b = course_with_lessons(modules=1, lessons=1, title="Cours B")
    services.enrol(user=learner, course=course_a)
    services.enrol(user=learner, course=course_b)
    services.complete_lesson(user=learner, lesson=lessons_a[0])
    services.complete_lesson(user=learner, lesson=lessons_b[0])
    body = client.get("/fr/my-training/".replace("my-training", "ma-formation")).content.decode()
    assert "Ma formation" in body
    assert "Cours A" in body and "1 leçon sur 2 terminée" in body
    assert lessons_a[1].url in body
    assert "Cours B" in body and "Terminé le" in body


def test_my_training_needs_sign_in(client):
    response = client.get("/fr/ma-formation/")
    assert response.status_code == 302
    assert "/fr/accounts/login/" in response["Location"]


def test_withdrawing_from_my_training(client, learner):
    course, _m, _l = course_with_lessons()
    enrolment = services.enrol(user=learner, course=course)
    response = client.post(f"/fr/learning/enrolments/{enrolment.pk}/withdraw/", follow=True)
    assert "Vous vous êtes désinscrit de ce cours." in response.content.decode()
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.WITHDRAWN


def test_a_learner_sees_each_lessons_state_on_the_course_page(client, learner):
    course, _modules, lessons = course_with_lessons(modules=1, lessons=3)
    services.enrol(user=learner, course=course)
    services.complete_lesson(user=learner, lesson=lessons[0])
    client.get(lessons[1].url)  # opened, not finished
    body = client.get(course.url).content.decode()
    assert body.count("state-done") >= 1
    assert "En cours" in body


def test_course_and_module_pages_show_locked_modules_to_an_enrolled_learner(client, learner):
    course, modules, _lessons = course_with_lessons(modules=2, lessons=1, modules_in_order=True)
    services.enrol(user=learner, course=course)
    for page in (course, modules[1]):
        response = client.get(page.url)
        assert response.status_code == 200
        body = response.content.decode()
        assert f"S'ouvre quand « {modules[0].title} » est terminé." in body
