import pytest

from courses import completion, services
from courses.models import Enrolment, EnrolmentStatus, LessonProgress, ModuleCompletion
from courses.signals import course_completed, lesson_completed
from tests.factories import UserFactory, course_with_lessons, translate_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """Every `course_completed` sent, as (enrolment id, status at sending time)."""
    sent = []

    def receiver(sender, enrolment, **kwargs):
        sent.append(enrolment.pk)

    course_completed.connect(receiver)
    yield sent
    course_completed.disconnect(receiver)


def test_enrolling_twice_gives_one_enrolment():
    course, _modules, _lessons = course_with_lessons()
    user = UserFactory()
    first = services.enrol(user=user, course=course)
    second = services.enrol(user=user, course=course)
    assert first.pk == second.pk
    assert Enrolment.objects.count() == 1
    assert first.status == EnrolmentStatus.ENROLLED


def test_self_enrolment_is_refused_when_the_course_does_not_allow_it():
    course, _modules, _lessons = course_with_lessons(self_enrolment_open=False)
    with pytest.raises(services.ProgressRefused, match="pas ouvert à l'auto-inscription"):
        services.enrol(user=UserFactory(), course=course)
    assert not Enrolment.objects.exists()


def test_enrolling_from_the_english_page_enrols_in_the_course_itself():
    course, _modules, _lessons = course_with_lessons()
    english = translate_page(course, "en", title="Refresher course")
    enrolment = services.enrol(user=UserFactory(), course=english)
    assert enrolment.course_id == course.pk


def test_completing_every_lesson_completes_modules_and_course_and_signals_once(
    django_capture_on_commit_callbacks, received
):
    course, modules, lessons = course_with_lessons(modules=2, lessons=2)
    user = UserFactory()
    enrolment = services.enrol(user=user, course=course)
    for lesson in lessons[:-1]:
        with django_capture_on_commit_callbacks(execute=True):
            services.complete_lesson(user=user, lesson=lesson)
    assert ModuleCompletion.objects.filter(user=user).count() == 1
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.IN_PROGRESS
    assert received == []

    with django_capture_on_commit_callbacks(execute=True):
        services.complete_lesson(user=user, lesson=lessons[-1])
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert enrolment.completed_at is not None
    assert received == [enrolment.pk]

    # Pressing « terminé » again changes nothing and announces nothing.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.complete_lesson(user=user, lesson=lessons[-1])
    assert callbacks == []
    assert received == [enrolment.pk]
    assert LessonProgress.objects.filter(user=user, completed_at__isnull=False).count() == 4


def test_the_signal_is_sent_only_after_commit(django_capture_on_commit_callbacks, received):
    course, _modules, lessons = course_with_lessons(modules=1, lessons=1)
    user = UserFactory()
    services.enrol(user=user, course=course)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.complete_lesson(user=user, lesson=lessons[0])
    assert received == []
    for callback in callbacks:
        callback()
    assert len(received) == 1


def test_optional_modules_are_not_needed_for_the_course(
    received, django_capture_on_commit_callbacks
):
    course, modules, lessons = course_with_lessons(modules=2, lessons=1)
    modules[1].is_required = False
    modules[1].save_revision().publish()
    user = UserFactory()
    services.enrol(user=user, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        services.complete_lesson(user=user, lesson=lessons[0])
    assert Enrolment.objects.get(user=user).status == EnrolmentStatus.COMPLETED


def test_completing_without_enrolment_is_refused_and_records_nothing():
    _course, _modules, lessons = course_with_lessons()
    with pytest.raises(services.ProgressRefused, match="Inscrivez-vous au cours"):
        services.complete_lesson(user=UserFactory(), lesson=lessons[0])
    assert not LessonProgress.objects.exists()


def test_modules_in_order_lock_later_lessons_until_the_earlier_module_is_complete():
    course, modules, lessons = course_with_lessons(modules=2, lessons=2, modules_in_order=True)
    user = UserFactory()
    services.enrol(user=user, course=course)
    with pytest.raises(services.ProgressRefused, match=modules[0].title):
        services.complete_lesson(user=user, lesson=lessons[2])
    assert not LessonProgress.objects.exists()
    services.complete_lesson(user=user, lesson=lessons[0])
    services.complete_lesson(user=user, lesson=lessons[1])
    services.complete_lesson(user=user, lesson=lessons[2])
    assert LessonProgress.objects.filter(user=user, completed_at__isnull=False).count() == 3


def test_withdrawal_stops_progress_and_re_enrolment_reopens_it():
    course, _modules, lessons = course_with_lessons()
    user = UserFactory()
    enrolment = services.enrol(user=user, course=course)
    services.complete_lesson(user=user, lesson=lessons[0])
    services.withdraw(enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    with pytest.raises(services.ProgressRefused):
        services.complete_lesson(user=user, lesson=lessons[1])
    enrolment = services.enrol(user=user, course=course)
    assert enrolment.status == EnrolmentStatus.IN_PROGRESS


def test_a_completed_course_cannot_be_withdrawn_from_and_keeps_its_completion():
    course, _modules, lessons = course_with_lessons(modules=1, lessons=1)
    user = UserFactory()
    enrolment = services.enrol(user=user, course=course)
    services.complete_lesson(user=user, lesson=lessons[0])
    with pytest.raises(services.ProgressRefused):
        services.withdraw(enrolment=Enrolment.objects.get(pk=enrolment.pk))
    # New content added after completion does not undo it.
    from tests.factories import LessonPageFactory

    LessonPageFactory(parent=lessons[0].get_parent())
    services.complete_lesson(user=user, lesson=lessons[0])
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.COMPLETED


def test_progress_made_in_english_counts_for_the_french_lesson():
    course, modules, lessons = course_with_lessons(modules=1, lessons=1)
    en_course = translate_page(course, "en")
    en_module = translate_page(modules[0], "en")
    en_lesson = translate_page(lessons[0], "en")
    assert en_course and en_module
    user = UserFactory()
    services.enrol(user=user, course=en_course)
    progress = services.complete_lesson(user=user, lesson=en_lesson)
    assert progress.lesson_id == lessons[0].pk


def test_a_lesson_with_an_activity_is_completed_by_its_rule_not_by_the_button(monkeypatch):
    course, _modules, lessons = course_with_lessons(modules=1, lessons=1)
    lesson = lessons[0]
    met = {"value": False}
    monkeypatch.setattr(completion, "_activity_rules", {"rich_text": lambda u, le: met["value"]})
    user = UserFactory()
    services.enrol(user=user, course=course)
    with pytest.raises(services.ProgressRefused, match="réussissant son activité"):
        services.complete_lesson(user=user, lesson=lesson)
    assert services.evaluate_lesson(user=user, lesson=lesson) is None
    met["value"] = True
    progress = services.evaluate_lesson(user=user, lesson=lesson)
    assert progress.completed_at is not None


def test_a_module_rule_holds_the_module_until_it_is_met(monkeypatch):
    course, modules, lessons = course_with_lessons(modules=1, lessons=1)
    passed: set[int] = set()
    monkeypatch.setattr(completion, "_module_rules", {"assessment": lambda user, mods: set(passed)})
    user = UserFactory()
    services.enrol(user=user, course=course)
    services.complete_lesson(user=user, lesson=lessons[0])
    assert not ModuleCompletion.objects.exists()
    passed.add(modules[0].pk)
    assert services.evaluate_module(user=user, module=modules[0]) is True
    assert Enrolment.objects.get(user=user).status == EnrolmentStatus.COMPLETED


def test_lesson_completed_is_announced_once(django_capture_on_commit_callbacks):
    course, _modules, lessons = course_with_lessons()
    user = UserFactory()
    services.enrol(user=user, course=course)
    announced = []

    def receiver(sender, progress, **kwargs):
        announced.append(progress.lesson_id)

    lesson_completed.connect(receiver)
    try:
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                services.complete_lesson(user=user, lesson=lessons[0])
    finally:
        lesson_completed.disconnect(receiver)
    assert announced == [lessons[0].pk]
