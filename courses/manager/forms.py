from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.assignments import order_warnings
from courses.models import CoursePage, ModulePage
from people.manager.access import managed_institutions
from people.models import Cohort, User


def _target_choices():
    """Courses and their modules (canonical French-first pages), one list."""
    choices = []
    first_ids = set()
    for course in CoursePage.objects.live().order_by("pk"):
        if course.translation_key in first_ids:
            continue
        first_ids.add(course.translation_key)
        choices.append(
            (f"course-{course.pk}", str(_("Whole course: %(title)s") % {"title": course.title}))
        )
        for module in ModulePage.objects.live().child_of(course).order_by("path"):
            choices.append((f"module-{module.pk}", f"— {module.title}"))
    return choices


class AssignmentForm(forms.Form):
    # Filled by clean(): what stands in the way of a module of a course taken in order.
    order_warnings: list[str] = []

    target = forms.ChoiceField(label=_("Course or module"))
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False
    )
    people = forms.ModelMultipleChoiceField(
        label=_("Or chosen people"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "To choose several people, hold Ctrl (⌘ on a Mac) while you click each name; on a "
            "phone or a tablet, tap each name in the list."
        ),
    )
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["target"].choices = _target_choices()
        self.fields["cohort"].queryset = Cohort.objects.visible_to(user).active()
        self.fields["people"].queryset = (
            User.objects.visible_to(user)
            .filter(memberships__institution__in=managed_institutions(user))
            .exclude(pk=user.pk)
            .order_by("full_name", "email")
        )

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_on

    def clean(self):
        data = super().clean()
        kind, _sep, pk = (data.get("target") or "").partition("-")
        if kind == "course":
            data["course"] = CoursePage.objects.live().filter(pk=pk).first()
            data["module"] = None
        elif kind == "module":
            data["module"] = ModulePage.objects.live().filter(pk=pk).first()
            data["course"] = None
        cohort, people = data.get("cohort"), list(data.get("people") or [])
        if not cohort and not people:
            raise forms.ValidationError(_("Choose a cohort or at least one person."))
        institutions = {cohort.institution_id} if cohort else set()
        if people:
            managed = set(managed_institutions(self.user).values_list("pk", flat=True))
            institutions |= managed if not cohort else set()
        if len(institutions) != 1:
            raise forms.ValidationError(_("You manage several institutions: choose a cohort."))
        data["institution_id"] = institutions.pop()
        module, due_on = data.get("module"), data.get("due_on")
        if module is not None and due_on is not None:
            self.order_warnings = order_warnings(
                module=module, due_on=due_on, cohort=cohort, people=people
            )
        return data
