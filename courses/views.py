from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Locale

from courses import assignments, progress, services
from courses.forms import SearchForm
from courses.models import CoursePage, Enrolment, LessonPage
from courses.search import search_courses_and_lessons


def search(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        results = search_courses_and_lessons(
            query=form.cleaned_data["q"], locale=Locale.get_active()
        )
    return render(request, "courses/search.html", {"form": form, "results": results})


# --- Enrolment and progress ---------------------------------------------------------------------


@login_required
@require_POST
def enrol(request, page_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=page_id)
    if not request.user.full_name.strip():
        # A certificate names its holder: who the learner is comes before the course.
        messages.warning(
            request,
            _(
                "Give your full name before you enrol: it will appear on your certificates, "
                "as you write it."
            ),
        )
        return redirect(f"{reverse('profile')}?{urlencode({'next': course.get_url(request)})}")
    try:
        services.enrol(user=request.user, course=course)
    except services.ProgressRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(course.get_url(request))
    messages.success(request, _("You are enrolled. Good training!"))
    return redirect(course.get_url(request))


@login_required
@require_POST
def complete_lesson(request, page_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=page_id)
    try:
        services.complete_lesson(user=request.user, lesson=lesson)
    except services.ProgressRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Lesson completed."))
    return redirect(lesson.get_url(request) + "#completion")


@login_required
@require_POST
def withdraw(request, enrolment_id: int):
    enrolment = get_object_or_404(Enrolment.objects.of(request.user), pk=enrolment_id)
    try:
        services.withdraw(enrolment=enrolment)
    except services.ProgressRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("You have withdrawn from this course."))
    return redirect("my_training")


@login_required
def my_training(request):
    context = progress.my_training(request.user)
    # An assigned module of a course taken in order shows the module to complete first.
    assignments.mark_locked(request.user, context["assigned"])
    return render(request, "courses/my_training.html", context)
