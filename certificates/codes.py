"""Verification codes: 140 random bits written in Crockford's base32 (no I, L, O or U), shown in
groups of four so that a court clerk can read one over the phone or type it from paper."""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 28  # 28 × 5 = 140 bits ≥ 128
GROUP = 4
# Crockford's decoding: the letters people confuse with digits read as those digits.
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_NOT_CODE = re.compile(r"[\s\-_.]")


def new_code() -> str:
    """A new code in its stored form (28 characters, upper case, no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str | None:
    """The stored form of a typed code, or None if it cannot be one."""
    code = _NOT_CODE.sub("", text or "").upper().translate(_CONFUSABLE)
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def grouped(code: str) -> str:
    """XXXX-XXXX-…: the form printed on the certificate and shown on screen."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
