"""What the learner's pages of courses show of certificates (`courses.outcomes`): the current
certificate of each completed course, with its download link. Registered in
CertificatesConfig.ready()."""

from __future__ import annotations

from django.urls import reverse

from certificates.codes import grouped
from certificates.models import Certificate
from courses.outcomes import CertificateLink


def current_certificates(user, courses) -> dict:
    """{course translation_key: CertificateLink} of `user`'s current (neither revoked nor
    superseded) certificates for the given courses (any language), in one query."""
    keys = {course.translation_key for course in courses}
    rows = (
        Certificate.objects.of(user)
        .current()
        .filter(course__translation_key__in=keys)
        .order_by("issued_on", "pk")
        .values_list("pk", "code", "issued_on", "course__translation_key")
    )
    found = {}
    for pk, code, issued_on, key in rows:  # the latest wins
        found[key] = CertificateLink(
            url=reverse("certificate_download", kwargs={"certificate_id": pk}),
            code=grouped(code),
            issued_on=issued_on,
        )
    return found
