from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from people import services
from people.choices import Profession
from people.models import Institution, User


class ProfileForm(forms.ModelForm):
    requested_institution = forms.ModelChoiceField(
        label=_("Ask to join an institution"),
        queryset=Institution.objects.select_related("region"),
        required=False,
        help_text=_("A manager of that institution will confirm your membership."),
    )

    class Meta:
        model = User
        fields = ["full_name", "matricule", "profession", "sex", "preferred_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form (settings.ACCOUNT_FORMS) asking who the learner is: the full name
    printed on certificates, the profession, and optionally the staff number and an institution
    to join. Saved through people.services.complete_signup."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As it must appear on your certificates, e.g. Aminata Traoré."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Give your full name: it appears on your certificates.")},
    )
    profession = forms.ChoiceField(
        label=_("Profession"),
        choices=[("", "---------"), *Profession.choices],
        error_messages={"required": _("Choose your profession.")},
    )
    matricule = forms.CharField(
        label=_("Staff number (matricule)"),
        max_length=50,
        required=False,
        help_text=_("Optional."),
    )
    requested_institution = forms.ModelChoiceField(
        label=_("Ask to join an institution"),
        queryset=Institution.objects.select_related("region"),
        required=False,
        help_text=_("Optional. A manager of that institution will confirm your membership."),
    )

    field_order = [
        "full_name",
        "email",
        "password1",
        "password2",
        "profession",
        "matricule",
        "requested_institution",
    ]

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Give your full name: it appears on your certificates."))
        return name

    def signup(self, request, user) -> None:
        # Called by allauth once the account is saved (BaseSignupForm.custom_signup).
        services.complete_signup(
            user=user,
            full_name=self.cleaned_data["full_name"],
            profession=self.cleaned_data["profession"],
            matricule=self.cleaned_data["matricule"],
            preferred_language=get_language(),
            requested_institution=self.cleaned_data["requested_institution"],
        )
