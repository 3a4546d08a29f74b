"""Receivers of the signals of the apps below (connected in CertificatesConfig.ready())."""

from certificates.services import issue_certificate


def issue_on_course_completed(sender, *, enrolment, **kwargs) -> None:
    # Sent once after commit; issue_certificate is idempotent all the same (retries, races).
    issue_certificate(enrolment=enrolment)
