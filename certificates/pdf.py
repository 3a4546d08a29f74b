"""The certificate as HTML (site/templates/certificates/pdf.html) and as PDF (WeasyPrint)."""

from __future__ import annotations

import base64
import io

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.models import Site

from certificates.models import Certificate, CertificateSettings

# WeasyPrint draws text with Pango, a system library that pip cannot install. Without it,
# importing WeasyPrint raises OSError (« cannot load library 'libpango-1.0-0' »).
RENDERER_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
RENDERER_INSTALL_COMMAND = f"apt-get install {RENDERER_PACKAGES}"


class PdfRendererMissing(OSError):
    """The PDF renderer cannot run on this machine (Pango missing): a matter of installation,
    not of the certificate; its PDF is rendered once the library is there (the sweep, or the
    holder's download)."""


def pdf_renderer_problem() -> str | None:
    """Why certificate PDFs cannot be rendered here (the loader's message), or None."""
    try:
        import weasyprint  # noqa: F401
    except OSError as error:
        return str(error)
    return None


def verification_path(code: str) -> str:
    """The language-neutral URL of the verification page (the QR code's payload path): French
    by default, with the language switch. It resolves to the same view as /fr/verify/<code>/."""
    return f"/verify/{code}/"


def verification_url(code: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + verification_path(code)


def qr_data_uri(url: str) -> str:
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _logo_data_uri(certificate_settings: CertificateSettings) -> str:
    logo = certificate_settings.logo
    if not logo:
        return ""
    rendition = logo.get_rendition("max-300x150|format-png")
    with rendition.file.open("rb") as handle:
        return "data:image/png;base64," + base64.b64encode(handle.read()).decode()


def certificate_html(certificate: Certificate) -> str:
    site = Site.objects.filter(is_default_site=True).first()
    certificate_settings = CertificateSettings.for_site(site) if site else CertificateSettings()
    url = verification_url(certificate.code)
    holder = certificate.holder
    membership = holder.memberships.active().select_related("institution").first()
    course = certificate.course
    english = course.get_translations().filter(locale__language_code="en").first()
    with translation.override("fr"):
        return render_to_string(
            "certificates/pdf.html",
            {
                "certificate": certificate,
                "holder": holder,
                "institution": membership.institution if membership else None,
                "course": course,
                "course_en": english or course,
                "verification_url": url,
                "qr": qr_data_uri(url),
                "logo": _logo_data_uri(certificate_settings),
                "settings": certificate_settings,
            },
        )


def certificate_pdf(certificate: Certificate) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as error:
        raise PdfRendererMissing(
            f"WeasyPrint cannot render PDFs: {error}. Install Pango: {RENDERER_INSTALL_COMMAND}"
        ) from error

    return HTML(string=certificate_html(certificate)).write_pdf()
