"""Admin hooks of the in-person sessions, loaded by certificates/wagtail_hooks.py (Wagtail
only looks for a `wagtail_hooks` module at the root of each app)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from certificates.sessions import admin_views


@hooks.register("register_log_actions")
def register_session_actions(actions):
    actions.register_action(
        "certificates.session_record", _("Record in-person session"), _("Session recorded")
    )
    actions.register_action(
        "certificates.session_change", _("Change in-person session"), _("Session changed")
    )
    actions.register_action(
        "certificates.session_attendees_add", _("Add participants"), _("Participants added")
    )
    actions.register_action(
        "certificates.session_attendee_remove", _("Remove participant"), _("Participant removed")
    )
    actions.register_action(
        "certificates.issue_attendance",
        _("Issue attendance certificate"),
        _("Attendance certificate issued"),
    )


_admin_urls = [
    path("", admin_views.session_list, name="list"),
    path("new/", admin_views.session_create, name="create"),
    path("template/", admin_views.attendance_template, name="template"),
    path("<int:session_id>/", admin_views.session_detail, name="detail"),
    path("<int:session_id>/edit/", admin_views.session_edit, name="edit"),
    path("<int:session_id>/attendees/", admin_views.attendees_add, name="attendees_add"),
    path(
        "<int:session_id>/attendees/<int:attendance_id>/remove/",
        admin_views.attendee_remove,
        name="attendee_remove",
    ),
    path("<int:session_id>/import/", admin_views.attendance_import, name="import"),
    path("<int:session_id>/certificates/", admin_views.certificates_issue, name="issue"),
]


@hooks.register("register_admin_urls")
def register_session_urls():
    return [path("sessions/", include((_admin_urls, "sessions_admin")))]


class SessionsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("certificates.view_trainingsession")


@hooks.register("register_admin_menu_item")
def register_sessions_menu_item():
    return SessionsMenuItem(
        _("In-person sessions"), reverse("sessions_admin:list"), icon_name="group", order=355
    )
