import logging

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from certificates.codes import grouped, normalise
from certificates.models import Certificate
from certificates.pdf import RENDERER_INSTALL_COMMAND, PdfRendererMissing
from certificates.services import request_pdf
from config.private_files import private_file_response
from courses.models import CoursePage

logger = logging.getLogger(__name__)

# Verification lookups per visitor address and window: enough for a clerk checking a pile of
# certificates, far too few to guess codes (and a code has 140 random bits anyway).
VERIFY_LIMIT = 30
VERIFY_WINDOW = 600


def _rate_limited(request) -> bool:
    # The visitor's address as allauth's rate limits see it: behind a proxy, set
    # ALLAUTH_TRUSTED_PROXY_COUNT (X-Forwarded-For) so that all visitors don't share one.
    from allauth.account.adapter import get_adapter

    key = "certificates:verify:" + get_adapter(request).get_client_ip(request)
    cache.add(key, 0, VERIFY_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, VERIFY_WINDOW)
        count = 1
    return count > VERIFY_LIMIT


def _too_many(request):
    return render(request, "certificates/verify_limited.html", status=429)


@require_GET
def verify_form(request):
    error = ""
    typed = request.GET.get("code", "")
    if "code" in request.GET:
        if _rate_limited(request):
            return _too_many(request)
        code = normalise(typed)
        if code:
            return redirect("certificate_verify", code=grouped(code))
        error = _("A verification code has 28 letters and digits, e.g. 7K3M-9QWX-…")
    return render(request, "certificates/verify_form.html", {"typed": typed, "error": error})


@require_GET
@never_cache
def verify(request, code: str):
    if _rate_limited(request):
        return _too_many(request)
    normalised = normalise(code)
    certificate = (
        Certificate.objects.select_related("holder", "course", "superseded_by")
        .filter(code=normalised)
        .first()
        if normalised
        else None
    )
    if certificate is None:
        # One answer for a malformed code and an unknown one: nothing to learn from the difference.
        return render(request, "certificates/verify_not_found.html", status=404)
    return render(
        request,
        "certificates/verify.html",
        {"certificate": certificate, "status": certificate.status},
    )


@login_required
def my_certificates(request):
    certificates = list(
        Certificate.objects.of(request.user)
        .select_related("course", "course__refresher_course", "superseded_by")
        .order_by("-issued_on", "-pk")
    )
    # Course and refresher titles in the visitor's language, in one query.
    keys = {c.course.translation_key for c in certificates} | {
        c.course.refresher_course.translation_key for c in certificates if c.course.refresher_course
    }
    localized = {
        page.translation_key: page
        for page in CoursePage.objects.live().filter(
            translation_key__in=keys, locale__language_code=get_language()
        )
    }
    items = []
    for certificate in certificates:
        refresher = certificate.course.refresher_course
        items.append(
            {
                "certificate": certificate,
                "status": certificate.status,
                "course": localized.get(certificate.course.translation_key, certificate.course),
                "refresher": refresher and localized.get(refresher.translation_key, refresher),
            }
        )
    return render(request, "certificates/my_certificates.html", {"items": items})


# How long the « PDF not ready » page asks the reader (and their browser) to wait.
PDF_RETRY_AFTER_SECONDS = 600


def pdf_response(request, certificate: Certificate):
    """The certificate's PDF (rendered now when missing), for a view that checked the reader.
    On a machine where the renderer cannot run (Pango missing), a page saying the PDF is being
    prepared instead of a server error: the certificate is valid already, and the sweep of
    missing PDFs renders it once the library is installed."""
    if not certificate.revoked_at:
        try:
            certificate = request_pdf(certificate=certificate, user=request.user)
        except PdfRendererMissing as error:
            logger.error("Certificate %s: its PDF cannot be rendered: %s", certificate.pk, error)
            response = render(
                request,
                "certificates/pdf_not_ready.html",
                {"certificate": certificate, "install_command": RENDERER_INSTALL_COMMAND},
                status=503,
            )
            response["Retry-After"] = str(PDF_RETRY_AFTER_SECONDS)
            return response
    if not certificate.pdf or not certificate.pdf.storage.exists(certificate.pdf.name):
        raise Http404  # a revoked certificate is not rendered again
    return private_file_response(
        certificate.pdf,
        filename=f"attestation-{certificate.code}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def download(request, certificate_id: int):
    """The holder's download (and that of the people allowed to read their records,
    Certificate.objects.visible_to). A revoked certificate's PDF is no longer handed out here:
    only staff reach it, in the admin."""
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user), pk=certificate_id)
    if certificate.revoked_at:
        return render(request, "certificates/download_revoked.html", status=404)
    return pdf_response(request, certificate)
