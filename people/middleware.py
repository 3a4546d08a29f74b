from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from people.access import access_for

# Pages a privileged user without a second factor may still open: the MFA set-up itself,
# signing out and re-authenticating (allauth asks for it before adding an authenticator).
ALLOWED_URL_NAMES = {"account_logout", "account_reauthenticate", "healthz"}
# What a session that skipped the second factor of an account that has one may still open.
ALLOWED_SIGNED_OUT_NAMES = {"account_logout", "healthz"}


def session_passed_second_factor(request) -> bool:
    """Whether this session's sign-in included a second factor, as allauth records it (the
    authentication records of the session, for this very user): a TOTP or recovery code at
    sign-in, or the TOTP set up during this session (`people.views.ActivateTOTPView`)."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


class RequireMFAMiddleware:
    """Managers, committee members, editors and administrators (`people.access`: the powers
    decide, not only the groups) reach no page but the second-factor set-up until their
    **session** has passed the second factor. An account with an authenticator whose session
    signed in by password only, by whatever way, is signed out and sent to allauth's sign-in,
    which asks for the code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        if not access_for(user).requires_second_factor or session_passed_second_factor(request):
            return None
        match = request.resolver_match
        name = match.url_name if match else None
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            if name in ALLOWED_SIGNED_OUT_NAMES:
                return None
            # Signed in without the code (Wagtail's or Django's own sign-in, an old session):
            # start again through allauth, which asks for it. Not even the second-factor pages
            # open (recovery codes are behind a password re-authentication only).
            path = request.get_full_path()
            logout(request)
            messages.warning(
                request,
                _(
                    "Your role requires two-factor authentication: sign in again with your "
                    "authenticator code."
                ),
            )
            return redirect_to_login(path)
        if name and (name in ALLOWED_URL_NAMES or name.startswith("mfa_")):
            return None
        messages.warning(
            request,
            _(
                "Your role requires two-factor authentication. Set up an authenticator app "
                "to continue."
            ),
        )
        return redirect("mfa_activate_totp")


class AdminModelAccessMiddleware:
    """Wagtail's snippet choosers (`/admin/snippets/choose/<app>/<model>/`) and wagtail-localize's
    snippet API (`/admin/localize/api/snippets/<app>/<model>/`) list every row of a model to
    anyone who may enter the admin. They ask here what Wagtail's own snippet list asks: a
    permission on the model (view, add, change or delete); the rows are then scoped by the
    model's `visible_to` in its viewset (people/wagtail_hooks.py)."""

    CHOOSER_PREFIX = "wagtailsnippetchoosers_"
    LOCALIZE_API = {"snippets_api_listing", "snippets_api_detail"}

    def __init__(self, get_response):
        self.get_response = get_response
        self._models = None

    def __call__(self, request):
        return self.get_response(request)

    def _chooser_models(self):
        if self._models is None:
            from django.apps import apps

            self._models = {
                f"{m._meta.app_label}_{m._meta.model_name}": m for m in apps.get_models()
            }
        return self._models

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is None
            or not request.path_info.startswith("/admin/")
            or not request.user.is_authenticated
        ):
            return None  # Wagtail sends visitors to sign in
        model = None
        for namespace in match.namespaces:
            if namespace.startswith(self.CHOOSER_PREFIX):
                model = self._chooser_models().get(namespace[len(self.CHOOSER_PREFIX) :])
        if match.url_name in self.LOCALIZE_API and "wagtail_localize" in match.namespaces:
            label = f"{view_kwargs.get('app_label')}_{view_kwargs.get('model_name')}"
            model = self._chooser_models().get(label)
            if model is None:
                raise Http404
        if model is None:
            return None
        opts = model._meta
        user = request.user
        if not any(
            user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
            for action in ("view", "add", "change", "delete")
        ):
            raise PermissionDenied
        return None
