"""Password policy and hashing.

The policy follows NIST SP 800-63B: a length of 12 to 128 characters, no composition rules,
and a check against common passwords and the user's own details. Hashes are Argon2id.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("portal.security").joinpath("common_passwords.txt").read_text()
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_KIB"]
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def burn_time(password: str) -> None:
    """Spend as long as a real verification, so that unknown e-mails cannot be told apart
    from known ones by the time a failed login takes."""
    verify_password(_dummy_hash(), password)


@cache
def _dummy_hash_for(params: tuple[int, int]) -> str:
    return PasswordHasher(time_cost=params[0], memory_cost=params[1]).hash("not a password")


def _dummy_hash() -> str:
    config = current_app.config
    return _dummy_hash_for((config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"]))


_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this password is not acceptable, as a sentence for the user; None when it is."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    core = _EDGES.sub("", lowered)  # "Password2024!" -> "password"
    common = common_passwords()
    if lowered in common or (core and core in common) or len(set(lowered)) <= 3:
        return str(
            _l(
                "This password is too common and easy to guess. "
                "A few unrelated words make a strong, memorable password."
            )
        )
    local_words = [w for w in re.split(r"[\W_\d]+", email.split("@")[0].lower()) if w]
    name_words = [w for w in re.split(r"[\W_\d]+", name.lower()) if w]
    own = {*local_words, *name_words, "".join(local_words), "".join(name_words)}
    own |= {"c21", "c21portal", "portal", "c21 portal"}
    letters_only = re.sub(r"[\W\d_]+", "", lowered)
    if core in own or re.sub(r"[\W_]+", "", core) in own or letters_only in own - {""}:
        return str(_l("Do not use your name, e-mail address or the name of this service."))
    return None
