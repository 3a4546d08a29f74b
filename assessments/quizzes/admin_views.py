"""Admin views of the quizzes: spreadsheet import (dry run first) and export of a bank, the
import template, and item statistics of a quiz."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from assessments.models import QuestionBank, Quiz
from assessments.quizzes import importing, services
from assessments.quizzes.stats import quiz_statistics
from courses.sizes import size_in_words

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class AdminTemplateView(WagtailAdminTemplateMixin, TemplateView):
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        help_text=gettext_lazy("One row per question, columns as in the template."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only (dry run): write nothing"), required=False, initial=True
    )


class ImportQuestionsView(AdminTemplateView):
    template_name = "assessments/quiz/admin/import.html"
    page_title = gettext_lazy("Import questions")
    permission = "assessments.add_question"

    def get_context_data(self, **kwargs):
        bank = get_object_or_404(QuestionBank, pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "bank": bank, "form": ImportForm()}

    def post(self, request, pk):
        bank = get_object_or_404(QuestionBank, pk=pk)
        form = ImportForm(request.POST, request.FILES)
        context = {**super().get_context_data(), "bank": bank, "form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > importing.MAX_BYTES:
                context["file_error"] = _("The file is larger than %(size)s.") % {
                    "size": size_in_words(importing.MAX_BYTES)
                }
                return self.render_to_response(context)
            try:
                report = importing.import_questions(
                    bank=bank,
                    content=upload.read(),
                    filename=upload.name,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except importing.ImportFileError as error:
                context["file_error"] = error.message
                return self.render_to_response(context)
            context["report"] = report
            if report.ok and not form.cleaned_data["dry_run"]:
                messages.success(
                    request,
                    _("%(created)s questions created, %(updated)s updated.")
                    % {"created": report.created, "updated": report.updated},
                )
                return redirect("quiz_admin_import", bank.pk)
        return self.render_to_response(context)


def export_bank(request, pk: int):
    if not request.user.has_perm("assessments.view_question"):
        raise PermissionDenied
    bank = get_object_or_404(QuestionBank, pk=pk)
    return _xlsx(importing.export_bank(bank), f"banque-{bank.pk}.xlsx")


def import_template(request):
    if not request.user.has_perm("assessments.add_question"):
        raise PermissionDenied
    return _xlsx(importing.template_xlsx(), "modele-questions.xlsx")


class QuizStatisticsView(AdminTemplateView):
    template_name = "assessments/quiz/admin/statistics.html"
    page_title = gettext_lazy("Quiz statistics")
    permission = "assessments.view_quiz"

    def get_context_data(self, **kwargs):
        quiz = services.original(get_object_or_404(Quiz, pk=self.kwargs["pk"]))
        stats = quiz_statistics(quiz)
        peak = max((count for _label, count in stats.distribution), default=0) or 1
        return {
            **super().get_context_data(**kwargs),
            "stats": stats,
            "bars": [
                (label, count, round(100 * count / peak)) for label, count in stats.distribution
            ],
        }
