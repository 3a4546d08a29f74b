from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from people import services as people_services
from people.choices import MembershipStatus
from people.manager import importing, services
from people.manager.access import managed_institutions, manager_required
from people.manager.forms import AddMembersForm, CohortForm, RenameCohortForm, RosterUploadForm
from people.models import Cohort, Membership, RosterImport, RosterImportStatus, User
from people.tasks import run_roster_import_task


@manager_required
def home(request):
    cohorts = Cohort.objects.visible_to(request.user).active().select_related("institution")
    return render(
        request,
        "people/manager/home.html",
        {"cohorts": cohorts, "institutions": managed_institutions(request.user)},
    )


@manager_required
def people_list(request):
    people = (
        User.objects.managed_by(request.user)
        .filter(memberships__institution__in=managed_institutions(request.user))
        .exclude(pk=request.user.pk)
        .distinct()
        .order_by("full_name", "email")
    )
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(full_name__icontains=query) | people.filter(email__icontains=query)
    page = Paginator(people, 100).get_page(request.GET.get("page"))
    return render(request, "people/manager/people.html", {"page": page, "q": query})


def _pending_requests(user):
    """Requests to join the institutions `user` manages. A request shows who asks (name,
    e-mail, profession, staff number), never their records: until it is accepted the person
    is not one of the manager's people (`people.access`)."""
    return (
        Membership.objects.filter(
            institution__in=managed_institutions(user), status=MembershipStatus.REQUESTED
        )
        .select_related("user", "institution")
        .order_by("created_at")
    )


@manager_required
def membership_requests(request):
    return render(
        request, "people/manager/requests.html", {"requests": _pending_requests(request.user)}
    )


@manager_required
@require_POST
def answer_membership_request(request, membership_id, decision):
    if decision not in ("accept", "decline"):
        raise Http404
    membership = _pending_requests(request.user).filter(pk=membership_id).first()
    if membership is None:
        if not Membership.objects.filter(
            pk=membership_id, institution__in=managed_institutions(request.user)
        ).exists():
            raise Http404
        # Answered already: a double submit, or another manager of the institution.
        messages.info(request, _("This request has already been answered."))
        return redirect("manager_requests")
    if decision == "accept":
        people_services.accept_membership(membership=membership)
        messages.success(
            request,
            _("%(name)s is now a member of %(institution)s.")
            % {"name": membership.user.get_full_name(), "institution": membership.institution},
        )
    else:
        people_services.decline_membership(membership=membership)
        messages.success(request, _("The request has been declined."))
    return redirect("manager_requests")


@manager_required
@require_http_methods(["GET", "POST"])
def cohort_list(request):
    form = CohortForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        cohort = services.create_cohort(
            institution=form.cleaned_data["institution"], name=form.cleaned_data["name"]
        )
        messages.success(request, _("The cohort has been created."))
        return redirect("manager_cohort", cohort_id=cohort.pk)
    cohorts = Cohort.objects.visible_to(request.user).select_related("institution")
    return render(request, "people/manager/cohorts.html", {"cohorts": cohorts, "form": form})


def _cohort(request, cohort_id) -> Cohort:
    return get_object_or_404(
        Cohort.objects.visible_to(request.user).select_related("institution"), pk=cohort_id
    )


@manager_required
@require_http_methods(["GET", "POST"])
def cohort_detail(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    form = AddMembersForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        added = services.add_cohort_members(cohort=cohort, users=list(form.cleaned_data["people"]))
        messages.success(request, _("%(count)s people added.") % {"count": len(added)})
        return redirect("manager_cohort", cohort_id=cohort.pk)
    members = cohort.members.order_by("full_name", "email")
    return render(
        request,
        "people/manager/cohort.html",
        {
            "cohort": cohort,
            "members": members,
            "form": form,
            "rename_form": RenameCohortForm(cohort=cohort, initial={"name": cohort.name}),
        },
    )


@manager_required
@require_POST
def cohort_rename(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    form = RenameCohortForm(request.POST, cohort=cohort)
    if form.is_valid():
        services.rename_cohort(cohort=cohort, name=form.cleaned_data["name"])
        messages.success(request, _("The cohort has been renamed."))
    else:
        messages.error(request, " ".join(form.errors.get("name", [])))
    return redirect("manager_cohort", cohort_id=cohort.pk)


@manager_required
@require_POST
def cohort_archive(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    if request.POST.get("restore"):
        services.restore_cohort(cohort=cohort)
        messages.success(request, _("The cohort has been restored."))
    else:
        services.archive_cohort(cohort=cohort)
        messages.success(request, _("The cohort has been archived."))
    return redirect("manager_cohort", cohort_id=cohort.pk)


@manager_required
@require_POST
def cohort_remove_member(request, cohort_id, user_id):
    cohort = _cohort(request, cohort_id)
    user = get_object_or_404(cohort.members.all(), pk=user_id)
    services.remove_cohort_member(cohort=cohort, user=user)
    messages.success(request, _("%(name)s has been removed from the cohort.") % {"name": user})
    return redirect("manager_cohort", cohort_id=cohort.pk)


@manager_required
def import_template(request, fmt):
    if fmt == "csv":
        response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            importing.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="modele-effectif.{fmt}"'
    return response


@manager_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            rows = importing.read_roster(form.cleaned_data["file"])
        except importing.RosterFileError as error:
            form.add_error("file", error.message)
        else:
            roster_import = RosterImport.objects.create(
                institution=form.cleaned_data["institution"],
                uploaded_by=request.user,
                file_name=form.cleaned_data["file"].name[:255],
                rows=rows,
            )
            return redirect("manager_import_preview", import_id=roster_import.pk)
    return render(request, "people/manager/import_upload.html", {"form": form})


@manager_required
@require_http_methods(["GET", "POST"])
def import_preview(request, import_id):
    roster_import = get_object_or_404(
        RosterImport.objects.visible_to(request.user).select_related("institution"), pk=import_id
    )
    if roster_import.status != RosterImportStatus.PREVIEW:
        return redirect("manager_import_status", import_id=roster_import.pk)
    plans = importing.plan_rows(institution=roster_import.institution, rows=roster_import.rows)
    counts = importing.summarise(plans)
    new_cohorts = importing.cohorts_to_create(plans)
    if request.method == "POST":
        unconfirmed = set(new_cohorts) - set(request.POST.getlist("new_cohort"))
        if counts[importing.Action.ERROR]:
            messages.error(request, _("The file has errors: correct them and upload it again."))
        elif unconfirmed:
            messages.error(
                request,
                _(
                    "Tick each cohort to create to confirm it, or correct its name in the file "
                    "and upload it again. Nothing has been imported."
                ),
            )
        else:
            with transaction.atomic():
                # One confirmation only: a second POST finds the import already queued.
                updated = RosterImport.objects.filter(
                    pk=roster_import.pk, status=RosterImportStatus.PREVIEW
                ).update(status=RosterImportStatus.QUEUED)
                if updated:
                    run_roster_import_task.delay_on_commit(roster_import.pk)
            return redirect("manager_import_status", import_id=roster_import.pk)
    only_errors = request.GET.get("errors") == "1"
    shown = [p for p in plans if p.action == importing.Action.ERROR] if only_errors else plans
    return render(
        request,
        "people/manager/import_preview.html",
        {
            "roster_import": roster_import,
            "plans": shown[:1000],
            "truncated": len(shown) > 1000,
            "counts": counts,
            "new_cohorts": new_cohorts,
            "only_errors": only_errors,
        },
    )


@manager_required
def import_status(request, import_id):
    roster_import = get_object_or_404(RosterImport.objects.visible_to(request.user), pk=import_id)
    total = len(roster_import.rows)
    done = (
        total
        if roster_import.status == RosterImportStatus.DONE
        else (cache.get(importing.progress_key(roster_import.pk)) or 0)
    )
    running = roster_import.status in (RosterImportStatus.QUEUED, RosterImportStatus.RUNNING)
    return render(
        request,
        "people/manager/import_status.html",
        {
            "roster_import": roster_import,
            "done": done,
            "total": total,
            "percent": round(100 * done / total) if total else 100,
            "running": running,
        },
    )
