"""Wagtail admin views of the H5P part: upload, library approval, preview, results."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import classproperty
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import CreateView

from assessments.blocks import H5PActivityBlock
from assessments.h5p import services
from assessments.h5p.extraction import H5PPackageError
from assessments.h5p.notes import describe_all
from assessments.h5p.permissions import (
    can_approve_libraries,
    can_preview_h5p,
    can_view_h5p_results,
)
from assessments.models import H5PActivity, H5PLibrary, XAPIStatement
from assessments.packages.extraction import PackageError
from courses.blocks import PRACTICE_EVIDENCE_HELP
from people.models import User
from people.spreadsheets import csv_bytes, xlsx_bytes


class PackageUploadForm(WagtailAdminModelForm):
    """An upload of a package (H5P, SCORM) with an optional title: left empty, the title
    written in the package is used. `practice_note` says what its results count for."""

    practice_note = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _(
            "Leave empty to use the title written in the package. %(note)s"
        ) % {"note": self.practice_note}


class H5PUploadForm(PackageUploadForm):
    package = forms.FileField(
        label=gettext_lazy("H5P package (.h5p)"),
        help_text=gettext_lazy(
            "A .h5p file exported with its libraries (Lumi, Moodle and WordPress exports "
            "contain them). New libraries must be approved by an administrator before the "
            "activity can be published."
        ),
    )

    practice_note = PRACTICE_EVIDENCE_HELP

    class Meta:
        model = H5PActivity
        fields = ["package", "title"]

    def clean_package(self):
        # Only the name here: the package is extracted and checked once, by the import.
        package = self.cleaned_data["package"]
        if not package.name.lower().endswith(".h5p"):
            raise forms.ValidationError(_("Choose a file ending in .h5p."))
        return package


def refuse_package(view, form, error: H5PPackageError):
    """Show a refused package on the form; a package already stored gets a link to it."""
    form.add_error("package", error)
    if isinstance(error, services.DuplicatePackage):
        view.produced_error_message = None  # said once, with its button, instead
        messages.error(
            view.request,
            error.messages[0],
            buttons=[
                messages.button(
                    reverse(
                        "wagtailsnippets_assessments_h5pactivity:edit", args=[error.existing.pk]
                    ),
                    _("Open the existing activity"),
                )
            ],
        )
    else:
        view.produced_error_message = view.get_error_message()
    return view.form_invalid(form)


def announce_notes(request, activity: H5PActivity) -> None:
    for text in describe_all(activity.import_notes):
        messages.warning(request, text)


class H5PUploadView(CreateView):
    """The snippet's create view, where saving is importing the package."""

    def save_instance(self):
        return services.import_h5p_package(
            file=self.form.cleaned_data["package"],
            title=self.form.cleaned_data.get("title") or "",
            uploaded_by=self.request.user,
        )

    def form_valid(self, form):
        try:
            response = super().form_valid(form)
        except H5PPackageError as error:
            return refuse_package(self, form, error)
        announce_notes(self.request, self.object)
        return response


class AdminTemplateView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "pick"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_header_title()}]


class ApproveLibraryView(AdminTemplateView):
    template_name = "assessments/admin/approve_library.html"
    page_title = gettext_lazy("Approve an H5P library")

    def dispatch(self, request, *args, **kwargs):
        if not can_approve_libraries(request.user):
            raise PermissionDenied
        self.library = get_object_or_404(H5PLibrary, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.library)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            library=self.library,
            activities=self.library.activities.order_by("title"),
            files=self.library.files,
            **kwargs,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        services.approve_h5p_library(library=self.library, approved_by=request.user)
        messages.success(request, _("%(library)s is approved.") % {"library": self.library})
        return redirect("wagtailsnippets_assessments_h5plibrary:list")


class ReplacePackageForm(forms.Form):
    package = forms.FileField(
        label=gettext_lazy("New version of the package (.h5p)"),
        help_text=gettext_lazy(
            "The same activity exported again after changes, with the same content type. The "
            "activity keeps its lessons and its results; learners start the new version afresh."
        ),
    )

    def clean_package(self):
        package = self.cleaned_data["package"]
        if not package.name.lower().endswith(".h5p"):
            raise forms.ValidationError(_("Choose a file ending in .h5p."))
        return package


class ReplaceVersionView(AdminTemplateView):
    """Upload a new version of a package that keeps its place in lessons and its results. A
    subclass names the model, the permission, the form, the service and the list to go back to
    (H5P activities here, SCORM packages in assessments/scorm/admin_views.py)."""

    template_name = "assessments/admin/replace_package.html"
    page_title = gettext_lazy("Replace the package")
    model: type
    permission: str
    form_class: type[forms.Form]
    list_url_name: str

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.object = get_object_or_404(self.model, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.title

    def explanation(self) -> str:
        """What replacing keeps and what it resets, said above the form."""
        raise NotImplementedError

    def replace(self, *, file, user):
        raise NotImplementedError

    def announce(self, request: HttpRequest, replaced) -> None:
        """Warnings after a replacement (libraries to approve, import notes)."""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form_class())
        return super().get_context_data(explanation=self.explanation(), **kwargs)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                replaced = self.replace(file=form.cleaned_data["package"], user=request.user)
            except PackageError as error:
                form.add_error("package", error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” now plays the new version of its package.")
                    % {"title": replaced.title},
                )
                self.announce(request, replaced)
                return redirect(self.list_url_name)
        return self.render_to_response(self.get_context_data(form=form))


class ReplacePackageView(ReplaceVersionView):
    """Upload a new version of an activity's package (`services.replace_h5p_package`)."""

    model = H5PActivity
    permission = "assessments.change_h5pactivity"
    form_class = ReplacePackageForm
    list_url_name = "wagtailsnippets_assessments_h5pactivity:list"

    def explanation(self) -> str:
        return _(
            "“%(title)s” (%(type)s) keeps its place in lessons and its learners' results. Its "
            "saved progress is reset: learners start the new version afresh. New library "
            "versions must be approved by an administrator before learners see the activity "
            "again; the old files are deleted once nothing uses them."
        ) % {"title": self.object.title, "type": self.object.main_library.machine_name}

    def replace(self, *, file, user):
        return services.replace_h5p_package(activity=self.object, file=file, replaced_by=user)

    def announce(self, request: HttpRequest, replaced) -> None:
        pending = list(replaced.libraries_awaiting_approval())
        if pending:
            messages.warning(
                request,
                _("Learners will see it again once an administrator approves %(libraries)s.")
                % {"libraries": ", ".join(str(library) for library in pending)},
            )
        announce_notes(request, replaced)


class PreviewActivityView(AdminTemplateView):
    """Hosts the player exactly as a lesson does (same block template), for staff to try it."""

    template_name = "assessments/admin/preview_activity.html"
    page_title = gettext_lazy("Preview an H5P activity")

    def dispatch(self, request, *args, **kwargs):
        if not can_preview_h5p(request.user):
            raise PermissionDenied
        self.activity = get_object_or_404(H5PActivity, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.activity.title

    def get_context_data(self, **kwargs):
        block = H5PActivityBlock()
        value = block.to_python(
            {
                "title": "",
                "activity": self.activity.pk,
                "pass_threshold": 0,
                "counts_for_completion": False,
            }
        )
        rendered = block.render(
            value, context={"request": self.request, "h5p_preview": True, "user": self.request.user}
        )
        return super().get_context_data(
            activity=self.activity,
            player=rendered,
            pending=self.activity.libraries_awaiting_approval(),
            notes=describe_all(self.activity.import_notes),
            **kwargs,
        )


def _percent(value) -> float | None:
    return round(value * 100, 1) if value is not None else None


class ResultsView(AdminTemplateView):
    """Per activity: attempts and scores; per learner: their H5P results. Each table can be
    downloaded (`?format=csv` or `xlsx`, cells that would start a formula neutralised)."""

    template_name = "assessments/admin/results.html"
    page_title = gettext_lazy("H5P results")

    def dispatch(self, request, *args, **kwargs):
        if not can_view_h5p_results(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt not in ("csv", "xlsx"):
            return super().get(request, *args, **kwargs)
        context = self.get_context_data()
        name, header, rows = self.table(context)
        if fmt == "csv":
            response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                xlsx_bytes(_("H5P results"), header, rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response

    def table(self, context) -> tuple[str, list[str], list[list]]:
        """The shown table as a file name, a header and rows."""
        if "activity" in context:
            activity = context["activity"]
            header = [
                _("Learner"),
                _("E-mail"),
                _("Attempts"),
                _("Best scaled score (%)"),
                _("Last attempt"),
            ]
            rows = [
                [
                    row["user__full_name"],
                    row["user__email"],
                    row["attempts"],
                    _percent(row["best"]),
                    timezone.localtime(row["last"]) if row["last"] else None,
                ]
                for row in context["rows"]
            ]
            return f"resultats-h5p-activite-{activity.pk}", header, rows
        if "learner" in context:
            learner = context["learner"]
            header = [
                _("Activity"),
                _("Lesson"),
                _("Raw score"),
                _("Maximum score"),
                _("Scaled score (%)"),
                _("Date"),
            ]
            rows = [
                [
                    row.activity.title,
                    row.lesson.title if row.lesson else "",
                    row.score_raw,
                    row.score_max,
                    _percent(row.score_scaled),
                    timezone.localtime(row.received_at),
                ]
                for row in context["rows"]
            ]
            return f"resultats-h5p-apprenant-{learner.pk}", header, rows
        header = [_("Activity"), _("Attempts"), _("Learners"), _("Average scaled score (%)")]
        rows = [
            [activity.title, activity.attempts, activity.learners, _percent(activity.average)]
            for activity in context["rows"]
        ]
        return "resultats-h5p", header, rows

    def get_context_data(self, **kwargs):
        results = XAPIStatement.objects.results().in_lessons().visible_to(self.request.user)
        activity_id = self.request.GET.get("activity")
        learner_id = self.request.GET.get("learner")
        context = {"practice_note": PRACTICE_EVIDENCE_HELP}
        if activity_id:
            activity = get_object_or_404(H5PActivity, pk=activity_id)
            context["activity"] = activity
            context["rows"] = (
                results.filter(activity=activity)
                .values("user", "user__full_name", "user__email")
                .annotate(
                    attempts=Count("id"),
                    best=Max("score_scaled"),
                    last=Max("received_at"),
                )
                .order_by("user__full_name")
            )
        elif learner_id:
            learner = get_object_or_404(User.objects.visible_to(self.request.user), pk=learner_id)
            context["learner"] = learner
            context["rows"] = results.filter(user=learner).select_related("activity", "lesson")
        else:
            context["rows"] = H5PActivity.objects.annotate(
                attempts=Count("statements", filter=Q(statements__in=results)),
                learners=Count("statements__user", filter=Q(statements__in=results), distinct=True),
                average=Avg("statements__score_scaled", filter=Q(statements__in=results)),
            ).order_by("title")
        return super().get_context_data(**context, **kwargs)


class ApproveLibrariesBulkAction(SnippetBulkAction):
    """Approve the selected library versions at once (a package often brings dozens)."""

    display_name = gettext_lazy("Approve")
    action_type = "approve"
    aria_label = gettext_lazy("Approve the selected libraries")
    template_name = "assessments/admin/confirm_bulk_approve.html"
    action_priority = 10

    @classproperty
    def models(cls):
        return [H5PLibrary]

    def check_perm(self, library):
        return can_approve_libraries(self.request.user)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        user = user or kwargs["self"].request.user
        approved = 0
        for library in objects:
            if not library.is_approved:
                services.approve_h5p_library(library=library, approved_by=user)
                approved += 1
        return approved, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d library version approved.",
            "%(count)d library versions approved.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
