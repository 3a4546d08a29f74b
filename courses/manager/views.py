"""The manager area's pages about courses: assignments, progress reports and exports, a
learner's history. Every object is read through `visible_to(user)`: another institution's
person, cohort or assignment is a 404."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses import assignments as assignment_services
from courses import reports
from courses.manager.forms import AssignmentForm
from courses.models import Assignment, Enrolment, LessonProgress, ModuleCompletion
from people.manager.access import manager_required
from people.models import Cohort, Institution, User
from people.spreadsheets import csv_bytes, xlsx_bytes


@manager_required
def assignment_list(request):
    items = (
        Assignment.objects.visible_to(request.user)
        .select_related("course", "module", "cohort", "assigned_by")
        .order_by("-created_at")
    )
    return render(request, "courses/manager/assignments.html", {"assignments": items})


@manager_required
@require_http_methods(["GET", "POST"])
def assignment_new(request):
    form = AssignmentForm(request.POST or None, user=request.user, initial=request.GET.dict())
    confirmed = request.POST.get("confirm_order") == "1"
    if request.method == "POST" and form.is_valid() and (confirmed or not form.order_warnings):
        data = form.cleaned_data
        assignment = assignment_services.assign(
            assigned_by=request.user,
            institution=Institution.objects.get(pk=data["institution_id"]),
            course=data["course"],
            module=data["module"],
            cohort=data["cohort"],
            people=list(data["people"]),
            due_on=data["due_on"],
        )
        messages.success(request, _("The assignment has been created."))
        return redirect("manager_assignment", assignment_id=assignment.pk)
    return render(request, "courses/manager/assignment_form.html", {"form": form})


def _assignment(request, assignment_id) -> Assignment:
    return get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related(
            "course", "module", "cohort", "assigned_by"
        ),
        pk=assignment_id,
    )


@manager_required
def assignment_report(request, assignment_id):
    assignment = _assignment(request, assignment_id)
    matrix = reports.progress_matrix(assignment)
    status = request.GET.get("status", "all")
    sort = request.GET.get("sort", "name")
    status = status if status in reports.FILTERS else "all"
    sort = sort if sort in reports.SORTS else "name"
    rows = reports.filter_and_sort(matrix.rows, status=status, sort=sort)
    return render(
        request,
        "courses/manager/report.html",
        {
            "assignment": assignment,
            "matrix": matrix,
            "rows": rows,
            "status": status,
            "sort": sort,
            "filters": [
                ("all", _("Everyone")),
                ("overdue", _("Overdue")),
                ("not_started", _("Not started")),
                ("in_progress", _("In progress")),
                ("done", _("Done")),
            ],
        },
    )


@manager_required
def assignment_export(request, assignment_id, fmt):
    assignment = _assignment(request, assignment_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header, rows = reports.matrix_table(reports.progress_matrix(assignment))
    name = f"progression-{assignment.pk}"
    if fmt == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            xlsx_bytes("Progression", header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@manager_required
def cohort_report(request, cohort_id):
    cohort = get_object_or_404(Cohort.objects.visible_to(request.user), pk=cohort_id)
    items = (
        Assignment.objects.visible_to(request.user)
        .of_cohort(cohort)
        .select_related("course", "module", "assigned_by")
    )
    if len(items) == 1:
        return redirect("manager_assignment", assignment_id=items[0].pk)
    return render(
        request, "courses/manager/cohort_report.html", {"cohort": cohort, "assignments": items}
    )


@manager_required
def learner_history(request, user_id):
    person = get_object_or_404(User.objects.visible_to(request.user), pk=user_id)
    if person == request.user:
        raise Http404
    enrolments = Enrolment.objects.of(person).select_related("course").order_by("-enrolled_at")
    completions = (
        ModuleCompletion.objects.filter(user=person)
        .select_related("module")
        .order_by("-completed_at")
    )
    lessons = (
        LessonProgress.objects.filter(user=person)
        .select_related("lesson")
        .order_by("-started_at")[:200]
    )
    given = (
        Assignment.objects.visible_to(request.user)
        .for_learner(person)
        .select_related("course", "module", "assigned_by")
    )
    return render(
        request,
        "courses/manager/learner.html",
        {
            "person": person,
            "enrolments": enrolments,
            "completions": completions,
            "lessons": lessons,
            "assignments": given,
            "cohorts": Cohort.objects.visible_to(request.user).filter(members=person),
        },
    )
