from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

PROFILE_FIELDS = ["full_name", "matricule", "profession", "sex", "preferred_language"]


class PersonCreationForm(UserCreationForm):
    first_name = None
    last_name = None
    full_name = forms.CharField(label=_("full name"), max_length=200)

    class Meta(UserCreationForm.Meta):
        fields = ["email", "is_superuser", "groups", *PROFILE_FIELDS]


class PersonEditForm(UserEditForm):
    first_name = None
    last_name = None
    full_name = forms.CharField(label=_("full name"), max_length=200)

    class Meta(UserEditForm.Meta):
        fields = ["email", "is_active", "is_superuser", "groups", *PROFILE_FIELDS]


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update: bool = False):
        return PersonEditForm if for_update else PersonCreationForm
