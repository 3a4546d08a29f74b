from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Open sign-up is the default; a deployment may restrict accounts to invited people.
        return settings.ACCOUNT_ALLOW_SIGNUP

    def get_login_redirect_url(self, request) -> str:
        # Land in the learner's own language.
        with override(request.user.preferred_language):
            return reverse(settings.LOGIN_REDIRECT_URL)
