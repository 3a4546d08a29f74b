"""allauth's second-factor forms (settings.MFA_FORMS) with a code field for phones: a digit
keypad (`inputmode="numeric"`: TOTP and recovery codes are digits only) and the code the phone
received offered by the keyboard (`autocomplete="one-time-code"`)."""

from allauth.mfa.base import forms as base_forms
from allauth.mfa.totp import forms as totp_forms

CODE_ATTRS = {"inputmode": "numeric", "autocomplete": "one-time-code"}


class _DigitCode:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(CODE_ATTRS)


class AuthenticateForm(_DigitCode, base_forms.AuthenticateForm):
    pass


class ReauthenticateForm(_DigitCode, base_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(_DigitCode, totp_forms.ActivateTOTPForm):
    pass
