"""One way in: every sign-in goes through allauth (password, then the second factor for the
privileged roles, with allauth's rate limits and lockout).

Wagtail ships two sign-in pages of its own that sign a person in with a password only: the
admin's (`/admin/login/`, and its password reset) and the front-end login of login-restricted
pages (`/<lang>/_util/login/`, Django's LoginView). Both are replaced by redirects to allauth's
pages, keeping `next`; page privacy by a shared password is switched off
(`WAGTAIL_PRIVATE_PAGE_OPTIONS`), so a private page is one for signed-in people or groups.
The TOTP set-up view records the second factor in the session, as allauth does at sign-in: the
person has just typed a valid code."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.views import ActivateTOTPView as AllauthActivateTOTPView
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.generic import RedirectView


class ToAllauth(RedirectView):
    """Send a visitor of another sign-in page to allauth's, with a safe `next`."""

    pattern_name = "account_login"
    permanent = False
    query_string = False

    def get(self, request, *args, **kwargs):
        if self.pattern_name == "account_login" and request.user.is_authenticated:
            # Signed in already, and sent here by Wagtail for lacking the admin's permission:
            # allauth would send them straight back (a redirect loop). Say no instead.
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_redirect_url(self, *args, **kwargs):
        url = resolve_url(self.pattern_name)
        target = self.request.GET.get(REDIRECT_FIELD_NAME, "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            url = f"{url}?{urlencode({REDIRECT_FIELD_NAME: target})}"
        return url

    def post(self, request, *args, **kwargs):
        # A password posted here is never checked: allauth's page is the only one that does.
        return self.get(request, *args, **kwargs)


class ActivateTOTPView(AllauthActivateTOTPView):
    def form_valid(self, form):
        response = super().form_valid(form)
        authenticator = Authenticator.objects.filter(
            user=self.request.user, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is not None:
            record_authentication(
                self.request,
                self.request.user,
                "mfa",
                id=authenticator.pk,
                type=authenticator.type,
                activated=True,
            )
        return response


activate_totp = ActivateTOTPView.as_view()
