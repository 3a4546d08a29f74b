"""Wagtail admin: the list of certificates, manual issue and revocation (each writes the audit log
through the services)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.models import Certificate
from certificates.services import CertificateRefused, issue_manual_certificate, revoke_certificate
from certificates.views import pdf_response
from courses.models import CoursePage
from people.access import require_permission


def _require(request, codename: str) -> None:
    require_permission(request.user, f"certificates.{codename}")


class ManualIssueForm(forms.Form):
    holder = forms.ModelChoiceField(
        label=gettext_lazy("Holder"), queryset=get_user_model().objects.filter(is_active=True)
    )
    course = forms.ModelChoiceField(
        label=gettext_lazy("Course"), queryset=CoursePage.objects.filter(locale__language_code="fr")
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("e.g. Training delivered in person in Ségou, 12–14 March."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the revocation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give the reason for the revocation.")},
    )


def certificate_list(request):
    _require(request, "view_certificate")
    query = request.GET.get("q", "").strip()
    certificates = Certificate.objects.select_related("holder", "course").order_by("-pk")
    if query:
        certificates = certificates.filter(
            Q(holder__full_name__icontains=query)
            | Q(holder__email__icontains=query)
            | Q(code__icontains=query.replace("-", "").upper())
        )
    return TemplateResponse(
        request,
        "certificates/admin/list.html",
        {"certificates": certificates[:200], "query": query, "header_title": _("Certificates")},
    )


def certificate_issue(request):
    _require(request, "add_certificate")
    form = ManualIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = issue_manual_certificate(
                holder=form.cleaned_data["holder"],
                course=form.cleaned_data["course"],
                issued_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except CertificateRefused as refusal:
            form.add_error("reason", refusal.message)
        else:
            messages.success(request, _("Certificate %s issued.") % certificate.display_code)
            return redirect("certificates_admin:list")
    return TemplateResponse(
        request,
        "certificates/admin/form.html",
        {"form": form, "header_title": _("Issue a certificate by hand"), "submit": _("Issue")},
    )


def certificate_pdf(request, certificate_id: int):
    """Staff download any certificate's PDF they may read, revoked ones included (the record
    stays, and so does its file)."""
    _require(request, "view_certificate")
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user), pk=certificate_id)
    return pdf_response(certificate, user=request.user)


def certificate_revoke(request, certificate_id: int):
    _require(request, "change_certificate")
    certificate = get_object_or_404(Certificate, pk=certificate_id)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_certificate(
                certificate=certificate, revoked_by=request.user, reason=form.cleaned_data["reason"]
            )
        except CertificateRefused as refusal:
            form.add_error("reason", refusal.message)
        else:
            messages.success(request, _("Certificate %s revoked.") % certificate.display_code)
            return redirect("certificates_admin:list")
    return TemplateResponse(
        request,
        "certificates/admin/form.html",
        {
            "form": form,
            "certificate": certificate,
            "header_title": _("Revoke certificate %s") % certificate.display_code,
            "submit": _("Revoke"),
        },
    )
