"""A test client for the site's one way in (people/middleware.py)."""

from django.test import Client


class SignedInClient(Client):
    """`force_login` stands for a complete sign-in through allauth: the password and, for an
    account with an authenticator, the second factor, recorded in the session as allauth records
    it (the MFA middleware asks the session, not the account). Tests of the sign-in pages
    themselves post to the real forms; `password_only_login` is a session that skipped the code."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        from allauth.mfa.models import Authenticator

        authenticator = Authenticator.objects.filter(user=user).first()
        if authenticator is not None:
            self._record(user, {"method": "mfa", "id": authenticator.pk, "type": "totp"})

    def password_only_login(self, user):
        super().force_login(user)
        self._record(user, {"method": "password", "email": user.email})

    def _record(self, user, record):
        import time

        session = self.session
        session["account_authentication_methods"] = [{**record, "at": time.time()}]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()


def sign_in_browser(page, live_server, user) -> None:
    """Give a Playwright page the session of a complete sign-in of `user` (the second factor
    included for an account with an authenticator), as `SignedInClient.force_login` makes it."""
    from django.conf import settings

    client = SignedInClient()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
