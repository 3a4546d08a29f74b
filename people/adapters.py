from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from people.access import access_for


@dataclass(frozen=True)
class PublicSite:
    """What allauth's e-mails call `current_site`: without django.contrib.sites it is the
    request's host (« Bonjour de la part de 127.0.0.1:8203 ! »); here, the site's name and
    public address, from the settings (WAGTAIL_SITE_NAME, WAGTAILADMIN_BASE_URL)."""

    name: str
    domain: str


def public_site() -> PublicSite:
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return PublicSite(name=settings.WAGTAIL_SITE_NAME, domain=address.netloc or address.path)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        return super().send_mail(template_prefix, email, {"current_site": public_site(), **context})

    def is_open_for_signup(self, request) -> bool:
        # Open sign-up is the default; a deployment may restrict accounts to invited people.
        return settings.ACCOUNT_ALLOW_SIGNUP

    def get_login_redirect_url(self, request) -> str:
        # Land in the person's own language: managers in their area, everyone else in
        # « Ma formation ».
        name = "manager_home" if access_for(request.user).manages_people else None
        with override(request.user.preferred_language):
            return reverse(name or settings.LOGIN_REDIRECT_URL)
