from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from certificates import admin_views


@hooks.register("register_log_actions")
def register_certificate_actions(actions):
    actions.register_action("certificates.issue", _("Issue certificate"), _("Certificate issued"))
    actions.register_action(
        "certificates.issue_manual", _("Issue certificate by hand"), _("Certificate issued by hand")
    )
    actions.register_action(
        "certificates.render", _("Render certificate PDF"), _("Certificate PDF re-rendered")
    )
    actions.register_action(
        "certificates.revoke", _("Revoke certificate"), _("Certificate revoked")
    )
    actions.register_action(
        "certificates.supersede", _("Supersede certificate"), _("Certificate superseded")
    )
    actions.register_action(
        "certificates.correct_name",
        _("Correct the holder's name"),
        _("Holder's name corrected on the certificate"),
    )
    actions.register_action(
        "certificates.record_name",
        _("Record the holder's name"),
        _("Holder's name recorded on the certificate"),
    )


_admin_urls = [
    path("", admin_views.certificate_list, name="list"),
    path("issue/", admin_views.certificate_issue, name="issue"),
    path("<int:certificate_id>/revoke/", admin_views.certificate_revoke, name="revoke"),
    path(
        "<int:certificate_id>/correct-name/",
        admin_views.certificate_correct_name,
        name="correct_name",
    ),
    path("<int:certificate_id>/pdf/", admin_views.certificate_pdf, name="pdf"),
]


@hooks.register("register_admin_urls")
def register_certificate_urls():
    return [path("certificates/", include((_admin_urls, "certificates_admin")))]


class CertificatesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("certificates.view_certificate")


@hooks.register("register_admin_menu_item")
def register_certificates_menu_item():
    return CertificatesMenuItem(
        _("Certificates"), reverse("certificates_admin:list"), icon_name="doc-full", order=350
    )


# The in-person sessions' hooks live beside their views.
import certificates.sessions.wagtail_hooks  # noqa: E402, F401
