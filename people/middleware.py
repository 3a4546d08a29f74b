from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from people.roles import requires_mfa

# Pages a privileged user without a second factor may still open: the MFA set-up itself,
# signing out and re-authenticating (allauth asks for it before adding an authenticator).
ALLOWED_URL_NAMES = {"account_logout", "account_reauthenticate", "healthz"}


class RequireMFAMiddleware:
    """Send managers, committee members, editors and administrators to set up TOTP before any
    other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.url_name if match else None
        if name and (name in ALLOWED_URL_NAMES or name.startswith("mfa_")):
            return None
        if not requires_mfa(user):
            return None
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            return None
        messages.warning(
            request,
            _(
                "Your role requires two-factor authentication. Set up an authenticator app "
                "to continue."
            ),
        )
        return redirect("mfa_activate_totp")
