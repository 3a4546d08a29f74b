from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from people.choices import Profession


class PageForm(WagtailAdminPageForm):
    """The editing form of every page of the site. A slug already taken by a sibling is also
    said at the top of the form, with the page that has it: Wagtail's own message sits on the
    « Promotion » tab, out of sight of an editor writing on the « Contenu » tab."""

    def clean(self):
        slug = self.cleaned_data.get("slug")  # Wagtail's clean() takes it out when it clashes
        cleaned_data = super().clean()
        if slug and self.has_error("slug") and self.parent_page is not None:
            sibling = (
                self.parent_page.get_children()
                .filter(slug=slug)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if sibling is not None:
                state = gettext("published") if sibling.live else gettext("draft, not published")
                self.add_error(
                    None,
                    gettext(
                        "Another page of « %(parent)s » already has the address « %(slug)s »: "
                        "« %(title)s » (%(state)s). Change the title or the address "
                        "(« Slug » field of the « Promote » tab)."
                    )
                    % {
                        "parent": self.parent_page.title,
                        "slug": slug,
                        "title": sibling.get_admin_display_title(),
                        "state": state,
                    },
                )
        return cleaned_data


class CoursePageForm(PageForm):
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
