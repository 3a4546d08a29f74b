"""Wagtail admin pages of the in-person sessions: list, record, edit, attendance list (add by
search, remove, import a spreadsheet with a dry run), attendance certificates. Thin views: each
checks a permission, validates a form and calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from certificates.models import Attendance, TrainingSession
from certificates.services import CertificateRefused
from certificates.sessions import importing, services
from certificates.sessions.forms import (
    AttendanceFileForm,
    PeopleSearchForm,
    SessionFilterForm,
    SessionForm,
)
from people.access import require_permission
from people.models import Membership, User

SEARCH_LIMIT = 30
IMPORT_KEY = "attendance-import-{}"


def _require(request, codename: str) -> None:
    require_permission(request.user, f"certificates.{codename}")


def _report_added(request, added: int) -> None:
    messages.success(
        request,
        ngettext(
            "%(count)s person added to the attendance list.",
            "%(count)s people added to the attendance list.",
            added,
        )
        % {"count": added},
    )


def _session(request, session_id: int) -> TrainingSession:
    # The admin pages are permission-based (checked before this): the permission covers every
    # session, as the Certificates pages cover every certificate.
    return get_object_or_404(
        TrainingSession.objects.select_related("course", "region"), pk=session_id
    )


def _with_institutions(people):
    return people.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.active().select_related("institution"),
            to_attr="active_memberships",
        )
    )


def session_list(request):
    _require(request, "view_trainingsession")
    sessions = TrainingSession.objects.all()
    years = sorted({day.year for day in sessions.dates("starts_on", "year")}, reverse=True)
    form = SessionFilterForm(request.GET, years=years)
    if form.is_valid():
        if form.cleaned_data["year"]:
            sessions = sessions.filter(starts_on__year=form.cleaned_data["year"])
        if form.cleaned_data["region"]:
            sessions = sessions.filter(region=form.cleaned_data["region"])
        if form.cleaned_data["course"]:
            sessions = sessions.filter(course=form.cleaned_data["course"])
    else:
        sessions = sessions.none()
    sessions = sessions.select_related("course", "region").annotate(
        attendee_count=Count("attendances"),
        certificate_count=Count("attendances", filter=Q(attendances__certificate__isnull=False)),
    )
    return TemplateResponse(
        request,
        "certificates/admin/sessions_list.html",
        {"sessions": sessions, "form": form, "header_title": _("In-person sessions")},
    )


def session_create(request):
    _require(request, "add_trainingsession")
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.record_session(recorded_by=request.user, **form.cleaned_data)
        except CertificateRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Session recorded. Now add its participants."))
            return redirect("sessions_admin:detail", session_id=session.pk)
    return TemplateResponse(
        request,
        "certificates/admin/sessions_form.html",
        {"form": form, "header_title": _("Record an in-person session"), "submit": _("Record")},
    )


def session_edit(request, session_id: int):
    _require(request, "change_trainingsession")
    session = _session(request, session_id)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(session=session, changed_by=request.user, **form.cleaned_data)
        except CertificateRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Session saved."))
            return redirect("sessions_admin:detail", session_id=session.pk)
    return TemplateResponse(
        request,
        "certificates/admin/sessions_form.html",
        {
            "form": form,
            "session": session,
            "header_title": _("Edit the session “%(title)s”") % {"title": session.title},
            "submit": _("Save"),
        },
    )


def session_detail(request, session_id: int):
    _require(request, "view_trainingsession")
    session = _session(request, session_id)
    attendances = list(
        session.attendances.select_related("certificate", "person")
        .prefetch_related(
            Prefetch(
                "person__memberships",
                queryset=Membership.objects.active().select_related("institution"),
                to_attr="active_memberships",
            )
        )
        .order_by("person__full_name", "person__email")
    )
    search = PeopleSearchForm(request.GET or None)
    found = []
    query = ""
    if search.is_valid() and search.cleaned_data["q"].strip():
        query = search.cleaned_data["q"].strip()
        found = list(
            _with_institutions(
                User.objects.filter(is_active=True)
                .filter(
                    Q(full_name__icontains=query)
                    | Q(email__icontains=query)
                    | Q(matricule__iexact=query)
                )
                .exclude(attendances__session=session)
                .order_by("full_name", "email")
            )[:SEARCH_LIMIT]
        )
    return TemplateResponse(
        request,
        "certificates/admin/sessions_detail.html",
        {
            "session": session,
            "attendances": attendances,
            "certified": sum(1 for a in attendances if a.certificate_id),
            "people_search": search,
            "query": query,
            "found": found,
            "search_limit": SEARCH_LIMIT,
            "trainers": session.trainers.splitlines(),
            "header_title": session.title,
        },
    )


@require_POST
def attendees_add(request, session_id: int):
    _require(request, "add_attendance")
    session = _session(request, session_id)
    raw = request.POST.getlist("person")
    try:
        ids = {int(value) for value in raw}
    except ValueError:
        ids = None
    people = list(User.objects.filter(pk__in=ids or [], is_active=True))
    if not raw:
        messages.error(request, _("Tick at least one person to add."))
    elif ids is None or len(people) != len(ids):
        messages.error(request, _("Some of the people chosen do not exist: nobody was added."))
    else:
        added = services.add_attendees(session=session, people=people, added_by=request.user)
        _report_added(request, added)
    return redirect("sessions_admin:detail", session_id=session.pk)


@require_POST
def attendee_remove(request, session_id: int, attendance_id: int):
    _require(request, "delete_attendance")
    session = _session(request, session_id)
    attendance = Attendance.objects.filter(pk=attendance_id, session=session).first()
    if attendance is None:
        messages.error(request, _("This person is no longer on the attendance list."))
        return redirect("sessions_admin:detail", session_id=session.pk)
    try:
        services.remove_attendee(attendance=attendance, removed_by=request.user)
    except CertificateRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("%(person)s removed from the attendance list.") % {"person": attendance.person},
        )
    return redirect("sessions_admin:detail", session_id=session.pk)


@require_POST
def certificates_issue(request, session_id: int):
    _require(request, "change_attendance")
    session = _session(request, session_id)
    try:
        outcome = services.issue_attendance_certificates(session=session, issued_by=request.user)
    except CertificateRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Attendance certificates: %(issued)s issued, %(already)s already had one.")
            % {"issued": outcome.issued, "already": outcome.already},
        )
        if outcome.unnamed:
            messages.warning(
                request,
                ngettext(
                    "%(count)s participant has no full name: a certificate names its holder, so "
                    "none was issued to them. Enter the name (Users), then issue again.",
                    "%(count)s participants have no full name: a certificate names its holder, "
                    "so none was issued to them. Enter the names (Users), then issue again.",
                    outcome.unnamed,
                )
                % {"count": outcome.unnamed},
            )
    return redirect("sessions_admin:detail", session_id=session.pk)


def attendance_import(request, session_id: int):
    """Upload → dry run (every row's problem, nothing written) → confirm. The rows wait in the
    user's server-side session between the two steps, so the confirmation cannot be tampered
    with; the plan is made again when confirmed."""
    _require(request, "add_attendance")
    session = _session(request, session_id)
    key = IMPORT_KEY.format(session.pk)
    form = AttendanceFileForm()
    context = {
        "session": session,
        "columns": importing.COLUMNS,
        "header_title": _("Import the attendance list of “%(title)s”") % {"title": session.title},
    }
    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(key)
        if not pending:
            messages.error(request, _("Nothing to confirm: upload the file again."))
            return redirect("sessions_admin:import", session_id=session.pk)
        try:
            added = importing.apply_attendance(
                session=session, rows=pending["rows"], imported_by=request.user
            )
        except CertificateRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("sessions_admin:import", session_id=session.pk)
        request.session.pop(key, None)
        _report_added(request, added)
        return redirect("sessions_admin:detail", session_id=session.pk)
    if request.method == "POST":
        form = AttendanceFileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = importing.read_attendance_file(form.cleaned_data["file"])
            except CertificateRefused as refusal:
                form.add_error("file", refusal.message)
            else:
                plans = importing.plan_attendance(session=session, rows=rows)
                counts = importing.summarise(plans)
                if counts[importing.Action.ERROR]:
                    request.session.pop(key, None)
                else:
                    request.session[key] = {"rows": rows, "name": form.cleaned_data["file"].name}
                context.update(plans=plans, counts=counts, filename=form.cleaned_data["file"].name)
    context["form"] = form
    return TemplateResponse(request, "certificates/admin/sessions_import.html", context)


def attendance_template(request):
    _require(request, "add_attendance")
    if request.GET.get("format") == "csv":
        response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="modele-presences.csv"'
        return response
    response = HttpResponse(
        importing.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="modele-presences.xlsx"'
    return response
