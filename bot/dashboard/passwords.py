"""Staff passwords: argon2id hashes (argon2-cffi's defaults), and what a password must be."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bot.i18n import N_

MIN_LENGTH = 10
MAX_LENGTH = 200

TOO_SHORT = N_("A password is at least {n} characters.")
TOO_LONG = N_("A password is at most {n} characters.")
SAME_AS_NAME = N_("The password cannot be the username.")
MISMATCH = N_("The two passwords are not the same.")

_hasher = PasswordHasher()
# Verifying against this keeps a wrong username as slow as a wrong password.
_DUMMY = _hasher.hash("piiri-no-such-account")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str, username: str, again: str | None = None) -> tuple[str, int]:
    """What is wrong with a new password, as a catalogue text and its number; ("", 0) if
    nothing is."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT, MIN_LENGTH
    if len(password) > MAX_LENGTH:
        return TOO_LONG, MAX_LENGTH
    if password.strip().casefold() == username.casefold():
        return SAME_AS_NAME, 0
    if again is not None and again != password:
        return MISMATCH, 0
    return "", 0
