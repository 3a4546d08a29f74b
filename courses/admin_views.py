"""Staff views in the Wagtail admin: the enrolment list with filters and a learner's progress.
Administrators and committee members see everyone; managers see their institutions' people
(scoping by `visible_to`)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from courses.models import (
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
)
from people.access import access_for
from people.models import Institution, User


def can_follow_progress(user) -> bool:
    """Administrators and the committee (everyone), managers (their institutions)."""
    return access_for(user).reads_register


class EnrolmentFilterForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=CoursePage.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *EnrolmentStatus.choices],
        required=False,
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Courses are enrolled in their canonical (first-written) version.
        self.fields["course"].queryset = CoursePage.objects.filter(
            pk__in=Enrolment.objects.values("course")
        ).order_by("title")
        institutions = Institution.objects.all()
        access = access_for(user)
        if not access.sees_everyone:
            institutions = institutions.filter(access.institution_filter("pk"))
        self.fields["institution"].queryset = institutions


def enrolment_list(request):
    if not can_follow_progress(request.user):
        raise PermissionDenied
    form = EnrolmentFilterForm(request.GET or None, user=request.user)
    enrolments = (
        Enrolment.objects.visible_to(request.user)
        .select_related("user", "course")
        .order_by("-enrolled_at")
    )
    if form.is_valid():
        if form.cleaned_data["course"]:
            enrolments = enrolments.filter(course=form.cleaned_data["course"])
        if form.cleaned_data["status"]:
            enrolments = enrolments.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["institution"]:
            enrolments = enrolments.filter(
                user__memberships__institution=form.cleaned_data["institution"],
                user__memberships__status="active",
            )
    page = Paginator(enrolments, 50).get_page(request.GET.get("p"))
    return render(
        request,
        "courses/admin/enrolment_list.html",
        {"form": form, "page_obj": page, "enrolments": page.object_list},
    )


def learner_progress(request, user_id: int):
    if not can_follow_progress(request.user):
        raise PermissionDenied
    learner = get_object_or_404(User.objects.visible_to(request.user), pk=user_id)
    enrolments = list(Enrolment.objects.of(learner).select_related("course"))
    lessons = {
        progress.lesson_id: progress
        for progress in LessonProgress.objects.filter(user=learner).select_related("lesson")
    }
    completions = {
        completion.module_id: completion
        for completion in ModuleCompletion.objects.filter(user=learner)
    }
    rows = []
    for enrolment in enrolments:
        # Two queries per course: its modules and all its lessons, in reading order.
        lessons_of_course = list(LessonPage.objects.outline_of(enrolment.course))
        modules = [
            {
                "module": module,
                "completion": completions.get(module.pk),
                "lessons": [
                    (lesson, lessons.get(lesson.pk))
                    for lesson in lessons_of_course
                    if lesson.path.startswith(module.path)
                ],
            }
            for module in ModulePage.objects.outline_of(enrolment.course)
        ]
        rows.append({"enrolment": enrolment, "modules": modules})
    return render(
        request,
        "courses/admin/learner_progress.html",
        {"learner": learner, "rows": rows, "memberships": learner.memberships.all()},
    )
