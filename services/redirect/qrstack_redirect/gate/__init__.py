"""The password gate of protected codes: a small HTML form, an Argon2id check, a signed
short-lived cookie once it passed, and a cap on wrong guesses per client IP and code."""

from qrstack_redirect.gate.attempts import Attempts
from qrstack_redirect.gate.cookies import GATE_COOKIE, UnlockCookies, gate_key
from qrstack_redirect.gate.passwords import PasswordChecker

__all__ = ["GATE_COOKIE", "Attempts", "PasswordChecker", "UnlockCookies", "gate_key"]
