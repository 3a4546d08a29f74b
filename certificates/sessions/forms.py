"""Forms of the in-person sessions' admin pages. They check what the user typed; the services
check the rules again (a form is not the only way in)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from certificates.models import TrainingSession
from certificates.sessions.services import SESSION_FIELDS
from courses.models import CoursePage
from people.models import Region

EARLIEST_YEAR = 2000


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = list(SESSION_FIELDS)
        widgets = {
            "starts_on": AdminDateInput,
            "ends_on": AdminDateInput,
            "trainers": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "organiser": _("e.g. UNODC, IOM, INFJ."),
            "funder": _("Optional, e.g. European Union."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.filter(
            locale__language_code="fr"
        ).order_by("title")
        self.fields["course"].empty_label = _("— none (no certificate) —")
        regions = Region.objects.filter(is_active=True)
        if self.instance.region_id:
            regions = Region.objects.filter(pk=self.instance.region_id) | regions
        self.fields["region"].queryset = regions.order_by("name")
        for name in ("title", "place", "organiser", "starts_on", "ends_on", "region"):
            self.fields[name].error_messages["required"] = _("This field is required.")

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and starts_on.year < EARLIEST_YEAR:
            self.add_error("starts_on", _("Check the year of the first day."))
        if starts_on and ends_on:
            if ends_on < starts_on:
                self.add_error("ends_on", _("The last day cannot be before the first day."))
            elif ends_on - starts_on > datetime.timedelta(days=90):
                self.add_error("ends_on", _("A session lasts 90 days at most: check the dates."))
        return cleaned

    def _post_clean(self):
        # The model's constraints are the service's business; only the fields are copied here.
        pass


class SessionFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("name"), required=False
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=CoursePage.objects.filter(locale__language_code="fr").order_by("title"),
        required=False,
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        self.fields["region"].empty_label = _("All regions")
        self.fields["course"].empty_label = _("All courses")


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, e-mail or staff number"), required=False, max_length=100)


class AttendanceFileForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance file (CSV or XLSX)"),
        error_messages={"required": _("Choose the file to import.")},
    )
