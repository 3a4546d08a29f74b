from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html, json_script
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.menu import MenuItem
from wagtail.models import Locale

from courses import admin_views, localize
from courses.admin_views import can_follow_progress
from courses.models import CourseIndexPage


def course_tree(request):
    """The editors' entry point: the catalogue's page tree in the editor's language, or the
    French one (the language courses are written in first)."""
    catalogues = CourseIndexPage.objects.order_by("depth", "path")
    catalogue = (
        catalogues.filter(locale=Locale.get_active()).first()
        or catalogues.filter(locale__language_code="fr").first()
        or catalogues.first()
    )
    if catalogue is None:
        return redirect("wagtailadmin_explore_root")
    return redirect("wagtailadmin_explore", catalogue.pk)


@hooks.register("register_admin_urls")
def register_course_tree_url():
    return [path("courses/", course_tree, name="courses_tree")]


class CourseTreeMenuItem(MenuItem):
    def is_shown(self, request):
        return user_has_any_page_permission(request.user)


@hooks.register("register_admin_menu_item")
def register_course_tree_menu_item():
    return CourseTreeMenuItem(
        _("Courses"), reverse("courses_tree"), icon_name="folder-open-inverse", order=150
    )


# --- Staff: enrolments and each learner's progress ----------------------------------------------


class ProgressReportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_follow_progress(request.user)


@hooks.register("register_admin_urls")
def register_progress_urls():
    return [
        path("enrolments/", admin_views.enrolment_list, name="courses_enrolments"),
        path(
            "enrolments/learner/<int:user_id>/",
            admin_views.learner_progress,
            name="courses_learner_progress",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_progress_report_menu_item():
    return ProgressReportMenuItem(
        _("Enrolments and progress"), reverse("courses_enrolments"), icon_name="list-ul", order=50
    )


# --- The editors' language in wagtail-localize's editor (courses/localize.py) ------------------


@hooks.register("insert_editor_js")
def admin_words_js():
    return format_html(
        '{}<script src="{}" defer></script>',
        json_script(localize.admin_words(), "admin-words"),
        static("js/admin-words.js"),
    )
