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
from certificates.services import (
    CertificateRefused,
    correct_holder_name,
    issue_manual_certificate,
    revoke_certificate,
    waiting_enrolments,
)
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


class NameCorrectionForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name as it must appear on the certificate"),
        max_length=200,
        error_messages={
            "required": gettext_lazy("Give the name as it must appear on the certificate."),
            "max_length": gettext_lazy("This name is too long (200 characters at most)."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("e.g. Spelling of the family name, as on the identity card."),
        error_messages={"required": gettext_lazy("Give the reason for the correction.")},
    )
    update_profile = forms.BooleanField(
        label=gettext_lazy("Also correct the name on the person's profile"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "Their next certificates and the national register will then use it too."
        ),
    )


def certificate_list(request):
    _require(request, "view_certificate")
    query = request.GET.get("q", "").strip()
    certificates = Certificate.objects.select_related("holder", "course").order_by("-pk")
    if query:
        certificates = certificates.filter(
            Q(holder_name__icontains=query)
            | Q(holder__full_name__icontains=query)
            | Q(holder__email__icontains=query)
            | Q(code__icontains=query.replace("-", "").upper())
        )
    return TemplateResponse(
        request,
        "certificates/admin/list.html",
        {
            "certificates": certificates[:200],
            "query": query,
            "header_title": _("Certificates"),
            "waiting": waiting_enrolments()
            .filter(user__in=get_user_model().objects.visible_to(request.user))
            .filter(user__full_name="")
            .count(),
        },
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
    return pdf_response(request, certificate)


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


def certificate_correct_name(request, certificate_id: int):
    """Correct the holder's name printed on a certificate (permission « change certificate »):
    a new PDF, the old name and hash kept in the audit log; the code and issue date stay."""
    _require(request, "change_certificate")
    certificate = (
        Certificate.objects.visible_to(request.user)
        .select_related("holder", "course")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:
        messages.error(request, _("This certificate does not exist: nothing was changed."))
        return redirect("certificates_admin:list")
    if certificate.revoked_at:
        messages.error(request, _("This certificate is revoked: its name is not corrected."))
        return redirect("certificates_admin:list")
    form = NameCorrectionForm(
        request.POST or None,
        initial={"name": certificate.holder_name or certificate.holder.full_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            correct_holder_name(
                certificate=certificate,
                name=form.cleaned_data["name"],
                reason=form.cleaned_data["reason"],
                corrected_by=request.user,
                update_profile=form.cleaned_data["update_profile"],
            )
        except CertificateRefused as refusal:
            form.add_error("name", refusal.message)
        else:
            messages.success(
                request,
                _("Name on certificate %s corrected; its PDF has been rendered again.")
                % certificate.display_code,
            )
            return redirect("certificates_admin:list")
    return TemplateResponse(
        request,
        "certificates/admin/form.html",
        {
            "form": form,
            "certificate": certificate,
            "header_title": _("Correct the name on certificate %s") % certificate.display_code,
            "submit": _("Correct the name"),
        },
    )
