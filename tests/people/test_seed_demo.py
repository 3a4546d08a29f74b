import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management import call_command

from people.models import User

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
