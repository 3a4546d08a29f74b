from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from people.access import access_for


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Open sign-up is the default; a deployment may restrict accounts to invited people.
        return settings.ACCOUNT_ALLOW_SIGNUP

    def get_login_redirect_url(self, request) -> str:
        # Land in the person's own language: managers in their area, everyone else in
        # « Ma formation ».
        name = "manager_home" if access_for(request.user).manages_people else None
        with override(request.user.preferred_language):
            return reverse(name or settings.LOGIN_REDIRECT_URL)
