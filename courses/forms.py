from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from people.choices import Profession


class CoursePageForm(WagtailAdminPageForm):
    """The course editing form: the audience is a list of professions, ticked in boxes."""

    audience = forms.MultipleChoiceField(
        choices=Profession.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("audience"),
        help_text=_("The professions this course is meant for; used by the catalogue filter."),
    )


class CatalogueFilterForm(forms.Form):
    audience = forms.ChoiceField(
        choices=[("", _("All professions")), *Profession.choices],
        required=False,
        label=_("For"),
    )
    language = forms.ChoiceField(
        choices=[("", _("All languages")), *settings.LANGUAGES],
        required=False,
        label=_("Available in"),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        max_length=200,
        required=False,
        label=_("Search the courses and lessons"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
