"""Wagtail admin views of the SCORM part: upload, replace, and the reports (per package, per
learner), each downloadable as XLSX or CSV through `people.spreadsheets`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.admin import messages
from wagtail.snippets.views.snippets import CreateView

from assessments.h5p.admin_views import (
    AdminTemplateView,
    PackageUploadForm,
    ReplaceVersionView,
)
from assessments.models import ScormAttempt, ScormPackage
from assessments.packages.extraction import PackageError
from assessments.scorm import player, services
from courses.blocks import SCORM_PRACTICE_HELP
from people.models import User
from people.spreadsheets import csv_bytes, xlsx_bytes

STATUS_LABELS = {
    "completed": pgettext_lazy("SCORM status", "completed"),
    "incomplete": pgettext_lazy("SCORM status", "incomplete"),
    "not attempted": pgettext_lazy("SCORM status", "not attempted"),
    "unknown": pgettext_lazy("SCORM status", "unknown"),
    "passed": pgettext_lazy("SCORM status", "passed"),
    "failed": pgettext_lazy("SCORM status", "failed"),
}


def status_label(value: str) -> str:
    return str(STATUS_LABELS.get(value, value or "—"))


def can_view_scorm_results(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("assessments.view_scormattempt"))


def describe_notes(notes: list[dict]) -> list[str]:
    texts = []
    for note in notes or []:
        if note.get("kind") == "skipped_file":
            texts.append(
                _("“%(file)s” was left out: Flash files are never served.")
                % {"file": note.get("file", "")}
            )
        elif note.get("kind") == "several_scos":
            texts.append(
                _(
                    "This package holds %(count)d SCOs: only the first one of its default "
                    "organisation is played and tracked here."
                )
                % {"count": note.get("count", 0)}
            )
    return texts


class ScormFileField(forms.FileField):
    def clean(self, data, initial=None):
        package = super().clean(data, initial)
        # Only the name here: the package is extracted and checked once, by the import.
        if package and not package.name.lower().endswith(".zip"):
            raise forms.ValidationError(_("Choose a SCORM package: a file ending in .zip."))
        return package


class ScormUploadForm(PackageUploadForm):
    package = ScormFileField(
        label=gettext_lazy("SCORM package (.zip)"),
        help_text=gettext_lazy(
            "A SCORM 1.2 or SCORM 2004 (3rd or 4th edition) package, as Storyline, Captivate, "
            "iSpring, Rise or Moodle export it: a .zip with imsmanifest.xml at its top."
        ),
    )

    practice_note = SCORM_PRACTICE_HELP

    class Meta:
        model = ScormPackage
        fields = ["package", "title"]


def _refuse(view, form, error: PackageError):
    form.add_error("package", error)
    if isinstance(error, services.DuplicatePackage):
        view.produced_error_message = None
        messages.error(
            view.request,
            error.messages[0],
            buttons=[
                messages.button(
                    reverse(
                        "wagtailsnippets_assessments_scormpackage:edit", args=[error.existing.pk]
                    ),
                    _("Open the existing package"),
                )
            ],
        )
    else:
        view.produced_error_message = view.get_error_message()
    return view.form_invalid(form)


class ScormUploadView(CreateView):
    """The snippet's create view, where saving is importing the package."""

    def save_instance(self):
        return services.import_scorm_package(
            file=self.form.cleaned_data["package"],
            title=self.form.cleaned_data.get("title") or "",
            uploaded_by=self.request.user,
        )

    def form_valid(self, form):
        try:
            response = super().form_valid(form)
        except PackageError as error:
            return _refuse(self, form, error)
        for text in describe_notes(self.object.import_notes):
            messages.warning(self.request, text)
        return response


class ReplaceScormForm(forms.Form):
    package = ScormFileField(
        label=gettext_lazy("New version of the package (.zip)"),
        help_text=gettext_lazy(
            "The same module exported again after changes. It keeps its lessons and its "
            "learners' results; an attempt under way starts again on the new version."
        ),
    )


class ReplaceScormView(ReplaceVersionView):
    """Upload a new version of a SCORM package (`services.replace_scorm_package`)."""

    header_icon = "desktop"
    model = ScormPackage
    permission = "assessments.change_scormpackage"
    form_class = ReplaceScormForm
    list_url_name = "wagtailsnippets_assessments_scormpackage:list"

    def explanation(self) -> str:
        return _(
            "“%(title)s” (%(version)s) keeps its place in lessons and its learners' results. An "
            "attempt under way starts again on the new version; the old files are deleted."
        ) % {"title": self.object.title, "version": self.object.get_version_display()}

    def replace(self, *, file, user):
        return services.replace_scorm_package(package=self.object, file=file, replaced_by=user)

    def announce(self, request: HttpRequest, replaced) -> None:
        for text in describe_notes(replaced.import_notes):
            messages.warning(request, text)


def _percent(value) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _minutes(seconds) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


class ScormResultsView(AdminTemplateView):
    """All packages; one package's learners; one learner's attempts. `?format=xlsx|csv`
    downloads the table shown."""

    template_name = "assessments/admin/scorm_results.html"
    page_title = gettext_lazy("SCORM results")
    header_icon = "desktop"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_scorm_results(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt not in ("csv", "xlsx"):
            return super().get(request, *args, **kwargs)
        name, header, rows = self.table(self.get_context_data())
        if fmt == "csv":
            response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                xlsx_bytes(_("SCORM results"), header, rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response

    def table(self, context) -> tuple[str, list[str], list[list]]:
        if "package" in context:
            header = [
                _("Learner"),
                _("E-mail"),
                _("Attempts"),
                _("Completion"),
                _("Success"),
                _("Best score (%)"),
                _("Time spent (minutes)"),
                _("Last saved"),
            ]
            rows = [
                [
                    row["learner"].full_name,
                    row["learner"].email,
                    row["attempts"],
                    status_label(row["completion"]),
                    status_label(row["success"]),
                    _percent(row["best"]),
                    _minutes(row["seconds"]),
                    timezone.localtime(row["last"]),
                ]
                for row in context["rows"]
            ]
            return f"resultats-scorm-module-{context['package'].pk}", header, rows
        if "learner" in context:
            header = [
                _("SCORM package"),
                _("Lesson"),
                _("Attempt"),
                _("Completion"),
                _("Success"),
                _("Score (%)"),
                _("Time spent (minutes)"),
                _("Last saved"),
            ]
            rows = [
                [
                    attempt.package.title,
                    attempt.lesson.title,
                    attempt.number,
                    status_label(attempt.completion_status),
                    status_label(attempt.success_status),
                    _percent(attempt.score_scaled),
                    _minutes(attempt.total_seconds),
                    timezone.localtime(attempt.updated_at),
                ]
                for attempt in context["rows"]
            ]
            return f"resultats-scorm-apprenant-{context['learner'].pk}", header, rows
        header = [
            _("SCORM package"),
            _("Version"),
            _("Learners"),
            _("Attempts"),
            _("Learners who completed it"),
            _("Learners who passed it"),
            _("Average score (%)"),
        ]
        rows = [
            [
                package.title,
                package.get_version_display(),
                package.learners,
                package.attempt_count,
                package.completed,
                package.passed,
                _percent(package.average),
            ]
            for package in context["rows"]
        ]
        return "resultats-scorm", header, rows

    def get_context_data(self, **kwargs):
        attempts = ScormAttempt.objects.visible_to(self.request.user)
        context = {"practice_note": SCORM_PRACTICE_HELP}
        package_id = self.request.GET.get("package")
        learner_id = self.request.GET.get("learner")
        if package_id:
            package = get_object_or_404(ScormPackage, pk=package_id)
            context["package"] = package
            context["rows"] = self._learners(attempts.filter(package=package))
        elif learner_id:
            learner = get_object_or_404(User.objects.visible_to(self.request.user), pk=learner_id)
            context["learner"] = learner
            context["rows"] = list(
                attempts.filter(user=learner)
                .select_related("package", "lesson")
                .order_by("package__title", "number")
            )
            for attempt in context["rows"]:
                attempt.completion_label = status_label(attempt.completion_status)
                attempt.success_label = status_label(attempt.success_status)
                attempt.minutes = _minutes(attempt.total_seconds)
        else:
            shown = Q(attempts__in=attempts)
            context["rows"] = ScormPackage.objects.annotate(
                learners=Count("attempts__user", filter=shown, distinct=True),
                attempt_count=Count("attempts", filter=shown),
                completed=Count(
                    "attempts__user",
                    filter=shown & Q(attempts__completion_status="completed"),
                    distinct=True,
                ),
                passed=Count(
                    "attempts__user",
                    filter=shown & Q(attempts__success_status="passed"),
                    distinct=True,
                ),
                average=Avg("attempts__score_scaled", filter=shown),
            ).order_by("title")
        return super().get_context_data(**context, **kwargs)

    @staticmethod
    def _learners(attempts) -> list[dict]:
        """One row per learner: attempts, the latest attempt's statuses, best score, time."""
        totals = {
            row["user"]: row
            for row in attempts.values("user").annotate(
                attempts=Count("id"),
                best=Max("score_scaled"),
                seconds=Sum("total_seconds"),
                last=Max("updated_at"),
            )
        }
        rows = []
        latest: dict[int, ScormAttempt] = {}
        for attempt in attempts.select_related("user").order_by("user_id", "-number"):
            latest.setdefault(attempt.user_id, attempt)
        for attempt in latest.values():
            total = totals[attempt.user_id]
            rows.append(
                {
                    "learner": attempt.user,
                    "attempts": total["attempts"],
                    "completion": attempt.completion_status,
                    "success": attempt.success_status,
                    "best": total["best"],
                    "seconds": total["seconds"],
                    "last": total["last"],
                    "completion_label": status_label(attempt.completion_status),
                    "success_label": status_label(attempt.success_status),
                    "minutes": _minutes(total["seconds"] or 0),
                }
            )
        return sorted(rows, key=lambda row: row["learner"].full_name or row["learner"].email)


class PreviewScormView(AdminTemplateView):
    """The package as learners get it (same sandbox, same runtime), with its organisations and
    SCOs; what it reports is never stored."""

    template_name = "assessments/admin/preview_scorm.html"
    page_title = gettext_lazy("Preview a SCORM package")
    header_icon = "desktop"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("assessments.change_scormpackage"):
            raise PermissionDenied
        self.package = get_object_or_404(ScormPackage, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.package.title

    def get_context_data(self, **kwargs):
        token = player.launch_token(user=self.request.user, lesson=None, package=self.package)
        return super().get_context_data(
            package=self.package,
            launch_url=player.launch_url(token, self.package),
            notes=describe_notes(self.package.import_notes),
            practice_note=SCORM_PRACTICE_HELP,
            **kwargs,
        )
