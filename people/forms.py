from django import forms
from django.utils.translation import gettext_lazy as _

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
