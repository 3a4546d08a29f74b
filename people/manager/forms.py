from django import forms
from django.utils.translation import gettext_lazy as _

from people.manager.access import managed_institutions
from people.models import Cohort, User


class InstitutionChoiceMixin:
    """A manager of one institution never sees the choice; a manager of several picks one."""

    def _add_institution(self, user):
        institutions = managed_institutions(user)
        self._only_institution = institutions.first() if institutions.count() == 1 else None
        if self._only_institution is None:
            self.fields["institution"] = forms.ModelChoiceField(
                queryset=institutions, label=_("Institution"), empty_label=None
            )

    def _institution(self, data):
        if self._only_institution is not None:
            data["institution"] = self._only_institution
        return data.get("institution")


class CohortForm(InstitutionChoiceMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_institution(user)

    def clean(self):
        data = super().clean()
        institution, name = self._institution(data), (data.get("name") or "").strip()
        if (
            institution
            and name
            and Cohort.objects.filter(institution=institution, name=name).exists()
        ):
            self.add_error("name", _("A cohort with this name already exists."))
        return data


class RenameCohortForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=150)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Cohort.objects.filter(institution=self.cohort.institution, name=name)
        if others.exclude(pk=self.cohort.pk).exists():
            raise forms.ValidationError(_("A cohort with this name already exists."))
        return name


class AddMembersForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("People to add"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = (
            User.objects.filter(
                memberships__institution=cohort.institution, memberships__status="active"
            )
            .exclude(cohorts=cohort)
            .order_by("full_name", "email")
        )


class RosterUploadForm(InstitutionChoiceMixin, forms.Form):
    file = forms.FileField(label=_("Roster file (CSV or XLSX)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_institution(user)

    def clean(self):
        data = super().clean()
        self._institution(data)
        return data
