import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management import call_command

from people.models import User
from tests.pango import without_pango

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"people", "courses", "assessments", "certificates", "account", "mfa", "wagtailcore"}
    }


def test_seed_demo_twice_leaves_the_same_rows(capsys):
    call_command("seed_demo")
    first_output = capsys.readouterr().out
    counts = _row_counts()
    call_command("seed_demo")
    second_output = capsys.readouterr().out
    assert _row_counts() == counts

    # The six demo accounts; the register's demo learners (certificates/demo.py) have none.
    assert sum(user.has_usable_password() for user in User.objects.all()) == 6
    assert "password" in first_output and "TOTP secret" in first_output
    # Passwords are printed once only.
    assert "password:" not in second_output


def test_demo_privileged_accounts_get_totp_and_recovery_codes_learners_do_not():
    call_command("seed_demo")
    privileged = ["admin", "comite", "gestionnaire"]
    for user in User.objects.all():
        kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
        if user.email.split("@")[0] in privileged:
            assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
        else:
            assert kinds == set()


@pytest.fixture
def renderer_missing(monkeypatch):
    without_pango(monkeypatch)


def test_seed_demo_without_the_pdf_renderer_says_what_to_install_and_seeds_everything(
    renderer_missing, capsys, monkeypatch
):
    from certificates.models import Certificate
    from certificates.pdf import PdfRendererMissing, certificate_pdf
    from certificates.tasks import render_certificate_pdf

    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in output
    assert "Attestations sans PDF" in output and "Certificates without PDF" in output
    # Everything after the certificates' demo ran too, and the command ended normally.
    assert "demo data ready" in output
    certificates = Certificate.objects.all()
    assert certificates.count() > 50
    assert not certificates.exclude(pdf="").exists()
    assert User.objects.filter(email__startswith="aminata.traore@").exists()
    with pytest.raises(PdfRendererMissing, match="apt-get install libpango-1.0-0"):
        certificate_pdf(certificates.first())

    # Once Pango is there, the waiting certificates get their PDF (sweep or download).
    monkeypatch.undo()
    waiting = certificates.filter(revoked_at__isnull=True).first()
    assert render_certificate_pdf(waiting.pk)
    waiting.refresh_from_db()
    assert waiting.pdf and waiting.pdf_sha256
