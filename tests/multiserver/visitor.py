"""A browser's part, in HTTP through nginx: cookies, the CSRF token, the sign-in with the second
factor (the TOTP code computed as an authenticator app does), and which app server answered
(X-Served-By)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import requests

TIMEOUT = 30


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 (30-second steps, six digits, SHA-1), what allauth's authenticator pages ask."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class Visitor:
    def __init__(self, deployment):
        self.deployment = deployment
        self.base = deployment.nginx.url
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = "fr"

    # --- requests -------------------------------------------------------------------------

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.session.get(self.base + path, timeout=TIMEOUT, **kwargs)

    def post(self, path: str, data=None, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        headers = {"X-CSRFToken": self.csrf_token(), "Referer": self.base + path}
        headers.update(kwargs.pop("headers", {}))
        return self.session.post(
            self.base + path, data=data, headers=headers, timeout=TIMEOUT, **kwargs
        )

    def csrf_token(self) -> str:
        token = self.session.cookies.get("csrftoken")
        if token is None:
            self.get("/fr/accounts/login/")
            token = self.session.cookies.get("csrftoken")
        return token or ""

    # --- which server ---------------------------------------------------------------------

    def next_goes_to(self, name: str) -> None:
        """Round robin alternates (one nginx worker, two servers): after an answer from the
        other server, the next request goes to `name`. Uses a request that changes nothing."""
        for _ in range(4):
            if self.get("/healthz").headers.get("X-Served-By") != name:
                return
        raise AssertionError(f"{name} answered every time: is round robin on?")

    def other(self, name: str) -> str:
        names = self.deployment.app_names
        return names[1 - names.index(name)]

    # --- signing in -----------------------------------------------------------------------

    def sign_in(self, email: str, *, totp: str = "", first: str = "app-a") -> list[str]:
        """Password on `first`, the code (when the account has an authenticator) on the other,
        then « Ma formation » on `first` again. Returns the servers that answered."""
        self.get("/fr/accounts/login/")
        self.next_goes_to(first)
        password = self.deployment.people["password"]
        answered = self.post("/fr/accounts/login/", {"login": email, "password": password})
        assert answered.status_code == 302, answered.text[:2000]
        servers = [answered.headers["X-Served-By"]]
        if totp:
            assert "/2fa/authenticate/" in answered.headers["Location"]
            self.next_goes_to(self.other(first))
            code = self.post("/fr/accounts/2fa/authenticate/", {"code": totp_code(totp)})
            assert code.status_code == 302, code.text[:2000]
            servers.append(code.headers["X-Served-By"])
            answered = code
        self.next_goes_to(first)
        page = self.get(answered.headers["Location"])
        assert page.status_code in (200, 302), page.text[:2000]
        servers.append(page.headers["X-Served-By"])
        return servers

    @staticmethod
    def find(pattern: str, text: str) -> str:
        match = re.search(pattern, text)
        assert match, f"{pattern!r} not in the page"
        return match[1]
