import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from courses import assignments, reports, services
from courses.models import Assignment, AssignmentReminder, Enrolment, EnrolmentSource
from courses.tasks import send_assignment_reminders, send_manager_digests, threshold_for
from people.manager import services as cohort_services
from tests.factories import (
    CohortFactory,
    InstitutionFactory,
    course_with_lessons,
    manager_of,
    member_of,
    members_of,
    translate_page,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def school():
    return InstitutionFactory()


@pytest.fixture
def manager(school):
    return manager_of(school)


@pytest.fixture
def cohort(school):
    return CohortFactory(institution=school, name="Promotion 2026")


def cadets(school, cohort, count):
    people = [member_of(school) for _ in range(count)]
    cohort.members.add(*people)
    return people


def test_assigning_a_module_enrols_the_cohort_once(school, manager, cohort):
    people = cadets(school, cohort, 3)
    course, modules, _lessons = course_with_lessons(modules=2, lessons=1)
    for _ in range(2):
        assignments.assign(
            assigned_by=manager,
            institution=school,
            module=modules[0],
            cohort=cohort,
            due_on=TODAY,
        )
    assert Enrolment.objects.filter(course=course).count() == 3
    assert set(Enrolment.objects.values_list("source", flat=True)) == {EnrolmentSource.ASSIGNMENT}
    assert {e.user for e in Enrolment.objects.all()} == set(people)


def test_a_late_joiner_gets_the_cohort_assignments(
    school, manager, cohort, django_capture_on_commit_callbacks
):
    course, modules, _lessons = course_with_lessons(modules=1, lessons=1)
    assignments.assign(
        assigned_by=manager, institution=school, course=course, cohort=cohort, due_on=TODAY
    )
    newcomer = member_of(school)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_services.add_cohort_members(cohort=cohort, users=[newcomer])
    assert Enrolment.objects.filter(user=newcomer, course=course).exists()


def test_people_of_another_institution_are_not_enrolled(school, manager, cohort):
    outsider = member_of(InstitutionFactory())
    course, _modules, _lessons = course_with_lessons(modules=1, lessons=1)
    assignments.assign(
        assigned_by=manager, institution=school, course=course, people=[outsider], due_on=TODAY
    )
    assert not Enrolment.objects.filter(user=outsider).exists()


def test_my_training_shows_the_assignment_with_due_date_and_who_assigned_it(
    client, school, manager, cohort
):
    (learner,) = cadets(school, cohort, 1)
    course, modules, _lessons = course_with_lessons(modules=1, lessons=1)
    manager.full_name = "Commissaire Sangaré"
    manager.save()
    assignments.assign(
        assigned_by=manager,
        institution=school,
        module=modules[0],
        cohort=cohort,
        due_on=datetime.date(2030, 6, 30),
    )
    client.force_login(learner)
    page = client.get(reverse("my_training")).content.decode()
    assert "Vous a été affecté" in page
    assert "30 juin 2030" in page and "Commissaire Sangaré" in page


def test_an_english_reader_of_my_training_is_sent_to_the_english_module(
    client, school, manager, cohort
):
    (learner,) = cadets(school, cohort, 1)
    course, modules, _lessons = course_with_lessons(modules=1, lessons=1)
    english_module = translate_page(modules[0], "en", title="Identifying victims")
    assignments.assign(
        assigned_by=manager,
        institution=school,
        module=modules[0],
        cohort=cohort,
        due_on=datetime.date(2030, 6, 30),
    )
    client.force_login(learner)

    with translation.override("en"):
        page = client.get(reverse("my_training"))

    html = page.content.decode()
    assert f'href="{english_module.url}"' in html and "Identifying victims" in html
    assert f'href="{modules[0].url}"' not in html


def test_manager_assigns_through_the_form(client, school, manager, cohort):
    cadets(school, cohort, 2)
    course, modules, _lessons = course_with_lessons(modules=2, lessons=1)
    client.force_login(manager)
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("manager_assignment_new"),
        {"target": f"module-{modules[1].pk}", "cohort": cohort.pk, "due_on": due},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.module == modules[1] and assignment.course == course
    assert Enrolment.objects.filter(course=course).count() == 2


def test_assignment_form_refuses_a_past_date_and_another_institutions_cohort(
    client, school, manager, cohort
):
    course, _modules, _lessons = course_with_lessons(modules=1, lessons=1)
    foreign = CohortFactory()
    client.force_login(manager)
    response = client.post(
        reverse("manager_assignment_new"),
        {"target": f"course-{course.pk}", "cohort": foreign.pk, "due_on": "2020-01-01"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "L’échéance ne peut pas être dans le passé." in page
    assert not Assignment.objects.exists()


# --- Reminders ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [(8, None), (7, "7d"), (2, "7d"), (1, "1d"), (0, "1d"), (-1, "overdue-0"), (-7, "overdue-0")]
    + [(-8, "overdue-1"), (-15, "overdue-2")],
)
def test_reminder_thresholds(days_left, threshold):
    assert threshold_for(TODAY + datetime.timedelta(days=days_left), TODAY) == threshold


def _assignment(school, manager, cohort, due_on, **kwargs):
    course, modules, lessons = course_with_lessons(modules=1, lessons=2)
    assignment = assignments.assign(
        assigned_by=manager,
        institution=school,
        module=modules[0],
        cohort=cohort,
        due_on=due_on,
        **kwargs,
    )
    return assignment, lessons


def test_reminders_go_once_per_threshold_and_skip_who_is_done(school, manager, cohort):
    late, done = cadets(school, cohort, 2)
    assignment, lessons = _assignment(school, manager, cohort, TODAY + datetime.timedelta(days=7))
    for lesson in lessons:
        services.complete_lesson(user=done, lesson=lesson)
    assert send_assignment_reminders(TODAY.isoformat()) == 1
    assert send_assignment_reminders(TODAY.isoformat()) == 0
    assert [m.to for m in mail.outbox] == [[late.email]]
    assert str(lessons[0].url_path.split("/")[-2]) in mail.outbox[0].body
    # The day before, then weekly once overdue.
    assert send_assignment_reminders((TODAY + datetime.timedelta(days=6)).isoformat()) == 1
    assert send_assignment_reminders((TODAY + datetime.timedelta(days=9)).isoformat()) == 1
    assert send_assignment_reminders((TODAY + datetime.timedelta(days=12)).isoformat()) == 0
    assert send_assignment_reminders((TODAY + datetime.timedelta(days=15)).isoformat()) == 1
    assert list(AssignmentReminder.objects.order_by("pk").values_list("threshold", flat=True)) == [
        "7d",
        "1d",
        "overdue-0",
        "overdue-1",
    ]


def test_reminders_are_in_the_learners_language(school, manager, cohort):
    french, english = cadets(school, cohort, 2)
    english.preferred_language = "en"
    english.save()
    _assignment(school, manager, cohort, TODAY + datetime.timedelta(days=1))
    send_assignment_reminders(TODAY.isoformat())
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "Échéance proche" in by_recipient[french.email].subject
    assert "Reprenez là où vous vous êtes arrêté" in by_recipient[french.email].body
    assert "Due soon" in by_recipient[english.email].subject
    assert "Continue where you stopped" in by_recipient[english.email].body


def test_managers_get_one_weekly_digest_of_overdue_people(school, manager, cohort):
    (late,) = cadets(school, cohort, 1)
    _assignment(school, manager, cohort, TODAY - datetime.timedelta(days=3))
    assert send_manager_digests(TODAY.isoformat()) == 1
    assert send_manager_digests((TODAY + datetime.timedelta(days=2)).isoformat()) == 0
    digest = mail.outbox[-1]
    assert digest.to == [manager.email]
    assert late.email in digest.body and "Promotion 2026" in digest.body


# --- Progress report ----------------------------------------------------------------------------


def test_matrix_shows_each_state_and_highlights_overdue(client, school, manager, cohort):
    starter, finisher, idle = cadets(school, cohort, 3)
    course, modules, lessons = course_with_lessons(modules=2, lessons=1)
    assignment = assignments.assign(
        assigned_by=manager,
        institution=school,
        course=course,
        cohort=cohort,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    services.record_visit(enrolment=Enrolment.objects.get(user=starter), lesson_id=lessons[0].pk)
    services.complete_lesson(user=finisher, lesson=lessons[0])
    matrix = reports.progress_matrix(assignment)
    states = {row.user: [c.state for c in row.cells] for row in matrix.rows}
    assert states[starter][0] == reports.CellState.IN_PROGRESS
    assert states[finisher][0] == reports.CellState.COMPLETED
    assert states[idle] == [reports.CellState.NOT_STARTED] * 2
    assert all(row.overdue for row in matrix.rows)
    client.force_login(manager)
    page = client.get(reverse("manager_assignment", args=[assignment.pk]) + "?status=overdue")
    assert page.content.decode().count('class="overdue"') == 3


def test_score_providers_show_passed_with_score(school, manager, cohort):
    (learner,) = cadets(school, cohort, 1)
    course, modules, _lessons = course_with_lessons(modules=1, lessons=1)
    assignment = assignments.assign(
        assigned_by=manager, institution=school, course=course, cohort=cohort, due_on=TODAY
    )

    def provider(user_ids, module_list):
        return {(learner.pk, modules[0].pk): 85.0}

    reports.register_score_provider(provider)
    try:
        cell = reports.progress_matrix(assignment).rows[0].cells[0]
    finally:
        reports._score_providers.remove(provider)
    assert cell.state == reports.CellState.PASSED and "85 %" in cell.label


def test_exports_neutralise_formulas(client, school, manager, cohort):
    learner = member_of(school, full_name='=HYPERLINK("http://x")', matricule="+123")
    cohort.members.add(learner)
    course, _modules, _lessons = course_with_lessons(modules=1, lessons=1)
    assignment = assignments.assign(
        assigned_by=manager, institution=school, course=course, cohort=cohort, due_on=TODAY
    )
    client.force_login(manager)
    csv_text = client.get(
        reverse("manager_assignment_export", args=[assignment.pk, "csv"])
    ).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'+123" in csv_text
    assert ";=" not in csv_text
    response = client.get(reverse("manager_assignment_export", args=[assignment.pk, "xlsx"]))
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in values


def test_exports_write_the_due_date_as_a_date_under_a_frozen_header(
    client, school, manager, cohort
):
    from io import BytesIO

    from openpyxl import load_workbook

    learner = member_of(school, full_name="=cmd|' /C calc'!A0", matricule="@SUM(A1)")
    cohort.members.add(learner)
    course, _modules, _lessons = course_with_lessons(modules=1, lessons=1)
    assignment = assignments.assign(
        assigned_by=manager, institution=school, course=course, cohort=cohort, due_on=TODAY
    )
    client.force_login(manager)

    response = client.get(reverse("manager_assignment_export", args=[assignment.pk, "xlsx"]))
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Nom", "E-mail", "Matricule"]
    assert header[-2:] == ["Échéance", "En retard"]
    # Columns as wide as their values: the e-mail address fits.
    assert sheet.column_dimensions["B"].width >= len(learner.email)
    row = [cell for cell in sheet[2]]
    assert [row[0].value, row[2].value] == ["'=cmd|' /C calc'!A0", "'@SUM(A1)"]
    due = next(cell for cell in row if isinstance(cell.value, datetime.datetime))
    assert due.value.date() == TODAY and due.number_format == "DD/MM/YYYY"
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)

    text = client.get(
        reverse("manager_assignment_export", args=[assignment.pk, "csv"])
    ).content.decode("utf-8-sig")
    assert text.splitlines()[1].startswith("'=cmd|' /C calc'!A0;")
    assert ";'@SUM(A1);" in text and ";02/03/2026;" in text


def test_matrix_renders_in_constant_queries(client, school, manager):
    course, modules, lessons = course_with_lessons(modules=12, lessons=1)

    def report_queries(size):
        cohort = CohortFactory(institution=school)
        people = members_of(school, size)
        cohort.members.add(*people)
        for person in people[:5]:
            Enrolment.objects.get_or_create(user=person, course=course)
        assignment = assignments.assign(
            assigned_by=manager, institution=school, course=course, cohort=cohort, due_on=TODAY
        )
        for person in people[:5]:
            services.complete_lesson(user=person, lesson=lessons[0])
        url = reverse("manager_assignment", args=[assignment.pk])
        client.get(url)  # warm up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    client.force_login(manager)
    small, large = report_queries(10), report_queries(300)
    print(f"\nprogress matrix (12 modules): {small} queries for 10 people, {large} for 300")
    assert small == large


def test_an_archived_cohort_gets_no_more_reminders(school, manager, cohort):
    cadets(school, cohort, 1)
    _assignment(school, manager, cohort, TODAY + datetime.timedelta(days=1))
    cohort_services.archive_cohort(cohort=cohort)
    assert send_assignment_reminders(TODAY.isoformat()) == 0
    assert mail.outbox == []


def test_exports_contain_only_the_institutions_people(client, school, manager, cohort):
    (own,) = cadets(school, cohort, 1)
    outsider = member_of(InstitutionFactory())
    cohort.members.add(outsider)  # however they got there, they are not this school's
    course, _modules, _lessons = course_with_lessons(modules=1, lessons=1)
    assignment = assignments.assign(
        assigned_by=manager,
        institution=school,
        course=course,
        cohort=cohort,
        people=[outsider],
        due_on=TODAY,
    )
    client.force_login(manager)
    url = reverse("manager_assignment_export", args=[assignment.pk, "csv"])
    text = client.get(url).content.decode("utf-8-sig")
    assert own.email in text and outsider.email not in text


def test_the_assignment_form_says_how_to_choose_several_people(client, manager):
    client.force_login(manager)
    page = client.get(reverse("manager_assignment_new")).content.decode()
    assert "Pour choisir plusieurs personnes, maintenez Ctrl" in page


# --- Modules taken in order ----------------------------------------------------------------------


def _post_assignment(client, module, cohort, due, **extra):
    return client.post(
        reverse("manager_assignment_new"),
        {"target": f"module-{module.pk}", "cohort": cohort.pk, "due_on": due.isoformat(), **extra},
    )


def test_assigning_a_locked_module_due_before_the_module_before_it_warns_first(
    client, school, manager, cohort
):
    cadets(school, cohort, 2)
    course, modules, _lessons = course_with_lessons(modules=2, lessons=1, modules_in_order=True)
    first, second = modules
    today = timezone.localdate()
    assignments.assign(
        assigned_by=manager,
        institution=school,
        module=first,
        cohort=cohort,
        due_on=today + datetime.timedelta(days=60),
    )
    client.force_login(manager)
    response = _post_assignment(client, second, cohort, today + datetime.timedelta(days=30))
    page = response.content.decode()
    assert response.status_code == 200
    due_first = formats.date_format(today + datetime.timedelta(days=60), "j F Y")
    assert (
        f"« {second.title} » ne s’ouvre qu’une fois « {first.title} » terminé (le cours suit "
        f"ses modules dans l’ordre), et « {first.title} » est dû le {due_first}, après cette "
        "échéance."
    ) in page
    assert "Affecter quand même" in page
    assert Assignment.objects.count() == 1

    # A due date after the first module's: no warning.
    response = _post_assignment(client, second, cohort, today + datetime.timedelta(days=90))
    assert response.status_code == 302 and Assignment.objects.count() == 2


def test_a_locked_module_whose_first_module_is_not_assigned_warns_and_can_be_confirmed(
    client, school, manager, cohort
):
    cadets(school, cohort, 1)
    course, (first, second), _lessons = course_with_lessons(
        modules=2, lessons=1, modules_in_order=True
    )
    client.force_login(manager)
    due = timezone.localdate() + datetime.timedelta(days=30)
    page = _post_assignment(client, second, cohort, due).content.decode()
    assert f"« {first.title} » ne leur est pas affecté" in page
    assert not Assignment.objects.exists()
    response = _post_assignment(client, second, cohort, due, confirm_order="1")
    assert response.status_code == 302
    assert Assignment.objects.get().module == second


def test_no_warning_when_the_course_is_free_order_or_everyone_completed_the_first_module(
    school, manager, cohort
):
    (cadet,) = cadets(school, cohort, 1)
    due = timezone.localdate() + datetime.timedelta(days=30)
    _course, (first, second), lessons = course_with_lessons(modules=2, lessons=1)
    assert assignments.order_warnings(module=second, due_on=due, cohort=cohort) == []
    _course, (first, second), lessons = course_with_lessons(
        modules=2, lessons=1, modules_in_order=True
    )
    assert len(assignments.order_warnings(module=second, due_on=due, cohort=cohort)) == 1
    services.enrol(user=cadet, course=_course)
    services.complete_lesson(user=cadet, lesson=lessons[0])
    assert assignments.order_warnings(module=second, due_on=due, cohort=cohort) == []
    assert assignments.order_warnings(module=first, due_on=due, cohort=cohort) == []


def test_ma_formation_shows_the_lock_on_an_assigned_module(client, school, manager, cohort):
    (cadet,) = cadets(school, cohort, 1)
    course, (first, second), lessons = course_with_lessons(
        modules=2, lessons=1, modules_in_order=True
    )
    assignments.assign(
        assigned_by=manager,
        institution=school,
        module=second,
        cohort=cohort,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    client.force_login(cadet)
    page = client.get(reverse("my_training")).content.decode()
    assert f"Verrouillé : terminez d’abord « {first.title} »." in page
    services.complete_lesson(user=cadet, lesson=lessons[0])
    page = client.get(reverse("my_training")).content.decode()
    assert "Verrouillé" not in page


def test_ma_formation_costs_no_query_more_without_a_module_in_order(client, school, cohort):
    (cadet,) = cadets(school, cohort, 1)
    manager = manager_of(school)
    course, modules, _lessons = course_with_lessons(modules=2, lessons=1)
    assignments.assign(
        assigned_by=manager,
        institution=school,
        module=modules[1],
        cohort=cohort,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    items = list(Assignment.objects.for_learner(cadet).select_related("course", "module"))
    with CaptureQueriesContext(connection) as captured:
        assignments.mark_locked(cadet, items)
    assert len(captured) == 0 and items[0].blocked_by is None
