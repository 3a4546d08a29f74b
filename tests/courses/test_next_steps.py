"""What comes next for a learner: a module's assessment after its last lesson (« Leçon
suivante », « Reprendre »), its state on the course page and in « Ma formation », a finished
course and its certificate, and the lock notice naming the module that really blocks."""

import html as html_lib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt
from assessments.quizzes import services as quiz_services
from certificates.services import issue_certificate
from courses import services
from tests.factories import (
    UserFactory,
    course_with_lessons,
    quiz_with_questions,
    right_answers,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client):
    user = UserFactory(full_name="Aminata Traoré")
    client.force_login(user)
    return user


def _text(response) -> str:
    return html_lib.unescape(response.content.decode())


def _assessed_course(**fields):
    """Two modules of two reading lessons, taken in order; the first has an assessment."""
    course, modules, lessons = course_with_lessons(modules=2, lessons=2, **fields)
    quiz = quiz_with_questions(
        questions=2, module=modules[0], title="Évaluation du module 1", pass_mark=100
    )
    return course, modules, lessons, quiz


def _pass(user, quiz):
    attempt = quiz_services.start_attempt(user=user, quiz=quiz)
    quiz_services.save_answers(attempt=attempt, answers=right_answers(attempt))
    return quiz_services.submit_attempt(attempt=attempt)


def _fail(user, quiz):
    attempt = quiz_services.start_attempt(user=user, quiz=quiz)
    quiz_services.save_answers(attempt=attempt, answers=wrong_answers(attempt))
    return quiz_services.submit_attempt(attempt=attempt)


def test_the_last_lesson_of_a_module_leads_to_its_assessment_not_to_the_next_module(
    client, learner
):
    course, modules, lessons, quiz = _assessed_course(modules_in_order=True)
    services.enrol(user=learner, course=course)
    quiz_url = reverse("quiz_detail", args=[quiz.pk])

    # The first lesson leads to the second, as always (and does not ask for the assessment).
    first = _text(client.get(lessons[0].url))
    assert lessons[1].url in first and quiz_url not in first

    last = _text(client.get(lessons[1].url))
    assert "Ensuite : l’évaluation du module" in last and quiz_url in last
    assert lessons[2].url not in last  # the next module's lesson is locked until it is passed

    response = client.post(reverse("complete_lesson", args=[lessons[1].pk]), follow=True)
    done = _text(response)
    assert "Vous avez terminé cette leçon." in done
    assert "Passer l’évaluation du module" in done and quiz_url in done
    assert lessons[2].url not in done

    _pass(learner, quiz)
    after = _text(client.get(lessons[1].url))
    assert quiz_url not in after.split('class="pager')[1]
    assert lessons[2].url in after and "Leçon suivante" in after


def test_without_an_assessment_the_last_lesson_leads_to_the_next_module(client, learner):
    course, _modules, lessons = course_with_lessons(modules=2, lessons=1)
    services.enrol(user=learner, course=course)
    body = _text(client.get(lessons[0].url))
    assert "Leçon suivante" in body and lessons[1].url in body
    assert "évaluation du module" not in body


def test_ma_formation_shows_a_pending_assessment_with_a_button_to_it(client, learner):
    course, modules, lessons = course_with_lessons(modules=1, lessons=2, title="Cours évalué")
    quiz = quiz_with_questions(questions=1, module=modules[0], title="Évaluation finale")
    services.enrol(user=learner, course=course)
    for lesson in lessons:
        services.complete_lesson(user=learner, lesson=lesson)
    body = _text(client.get(reverse("my_training")))
    assert "2 leçons sur 2 — évaluation du module à passer" in body
    assert "100 %" not in body
    card = body.split("Cours évalué")[1]
    assert f'class="button" href="{reverse("quiz_detail", args=[quiz.pk])}">Reprendre' in card
    assert "Évaluation finale" in card


def test_reprendre_leads_to_the_assessment_that_opens_the_next_module(client, learner):
    course, modules, lessons, quiz = _assessed_course(modules_in_order=True)
    services.enrol(user=learner, course=course)
    for lesson in lessons[:2]:
        services.complete_lesson(user=learner, lesson=lesson)
    for url in (reverse("my_training"), course.url):
        body = _text(client.get(url))
        assert f'href="{reverse("quiz_detail", args=[quiz.pk])}">Reprendre' in body, url
        assert f'href="{lessons[2].url}">Reprendre' not in body, url
    assert "2 leçons sur 4 — évaluation du module à passer" in _text(
        client.get(reverse("my_training"))
    )
    _pass(learner, quiz)
    for url in (reverse("my_training"), course.url):
        body = _text(client.get(url))
        assert f'href="{lessons[2].url}">Reprendre' in body, url


def test_the_course_page_lists_each_module_assessment_with_its_state(client, learner):
    course, modules, lessons, quiz = _assessed_course()
    quiz.min_delay = timedelta(minutes=5)
    quiz.save()
    services.enrol(user=learner, course=course)
    quiz_url = reverse("quiz_detail", args=[quiz.pk])

    body = _text(client.get(course.url))
    assert f'<a href="{quiz_url}">Évaluation du module 1</a> — ' in body
    assert "à passer" in body
    assert body.count("📝") == 1  # the second module has no assessment

    _fail(learner, quiz)
    body = _text(client.get(course.url))
    assert "prochaine tentative possible dans 5 minutes" in body
    # The module page says the same.
    assert "prochaine tentative possible dans 5 minutes" in _text(client.get(modules[0].url))

    Attempt.objects.filter(user=learner).update(submitted_at=timezone.now() - timedelta(minutes=6))
    assert "à passer" in _text(client.get(course.url))

    _pass(learner, quiz)
    body = _text(client.get(course.url))
    assert "réussie avec 100 %" in body
    assert "réussie avec 100 %" in _text(client.get(modules[0].url))


def test_no_attempt_left_is_said_on_the_course_page(client, learner):
    course, _modules, _lessons, quiz = _assessed_course()
    quiz.max_attempts = 1
    quiz.save()
    services.enrol(user=learner, course=course)
    _fail(learner, quiz)
    body = _text(client.get(course.url))
    assert "plus de tentative possible : adressez-vous à votre responsable de formation" in body


def test_a_finished_course_says_so_with_its_certificate(client, learner):
    course, _modules, lessons = course_with_lessons(modules=1, lessons=1, title="Cours fini")
    enrolment = services.enrol(user=learner, course=course)
    services.complete_lesson(user=learner, lesson=lessons[0])
    enrolment.refresh_from_db()
    certificate = issue_certificate(enrolment=enrolment)
    download = reverse("certificate_download", kwargs={"certificate_id": certificate.pk})

    page = _text(client.get(course.url))
    assert "Cours terminé le" in page
    assert f'href="{download}">Télécharger mon attestation (PDF)' in page
    assert "Reprendre" not in page

    training = _text(client.get(reverse("my_training")))
    assert "Terminé le" in training and f'href="{download}"' in training
    # A finished course is not « no course yet ».
    assert "Vous ne suivez encore aucun cours" not in training
    assert "Aucun cours en cours pour l’instant." in training


def test_ma_formation_without_any_course_invites_to_the_catalogue(client, learner):
    body = _text(client.get(reverse("my_training")))
    assert "Vous ne suivez encore aucun cours" in body
    assert "Aucun cours en cours pour l’instant." not in body


def test_the_lock_names_the_module_that_really_blocks(client, learner):
    course, modules, lessons = course_with_lessons(modules=4, lessons=1, modules_in_order=True)
    services.enrol(user=learner, course=course)
    body = _text(client.get(course.url))
    for before, locked in zip(modules, modules[1:], strict=False):
        item = body.split(f">{locked.title}</a>")[1].split("</li>")[0]
        assert f"S'ouvre quand « {before.title} » est terminé." in item, locked.title
    # The lesson of module 3 waits for module 2, which links on to module 1.
    lesson = _text(client.get(lessons[2].url))
    assert f"Terminez d'abord le module « {modules[1].title} »." in lesson
    assert f"« {modules[0].title} »" not in lesson.split('class="lock')[1].split("</div>")[0]
    module_2 = _text(client.get(modules[1].url))
    assert f"S'ouvre quand « {modules[0].title} » est terminé." in module_2
    assert f'href="{modules[0].url}">Aller à « {modules[0].title} »' in module_2
    refused = client.post(reverse("complete_lesson", args=[lessons[3].pk]), follow=True)
    assert f"« {modules[2].title} »" in _text(refused)

    services.complete_lesson(user=learner, lesson=lessons[0])
    body = _text(client.get(course.url))
    item = body.split(f">{modules[3].title}</a>")[1].split("</li>")[0]
    assert f"S'ouvre quand « {modules[2].title} » est terminé." in item
