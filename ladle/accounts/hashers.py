"""Passwords members brought from a Scoop site: verified once at log-in, then re-hashed.

Scoop stored `crypt(password, salt)` with DES, the salt being the password's own first two
characters, and dropped those two salt characters from what it kept (11 characters). DES
crypt reads only the first 8 characters of a password. Django calls `verify` at log-in and,
since this hasher is not the preferred one, stores the password again with Argon2 at once.
"""

import hmac

from django.contrib.auth.hashers import BasePasswordHasher
from passlib.hash import des_crypt

ALGORITHM = "scoop_crypt"


def scoop_crypt(password: str) -> str:
    """What Scoop's `crypt_pass` kept for `password`."""
    salt = (password + "..")[:2]
    return des_crypt.using(salt=salt).hash(password)[2:]


class ScoopCryptPasswordHasher(BasePasswordHasher):
    algorithm = ALGORITHM

    def encode(self, password, salt):
        # Never used for new passwords (Argon2 is first in PASSWORD_HASHERS); it exists so the
        # importer can store a Scoop hash as "scoop_crypt$<11 characters>".
        return f"{ALGORITHM}${scoop_crypt(password)}"

    def salt(self):
        return ""

    def verify(self, password, encoded):
        algorithm, _, stored = encoded.partition("$")
        if algorithm != ALGORITHM or len(stored) != 11:
            return False
        try:
            computed = scoop_crypt(password)
        except ValueError:  # a password whose first characters are no valid DES salt
            return False
        return hmac.compare_digest(computed, stored)

    def safe_summary(self, encoded):
        return {"algorithm": ALGORITHM, "hash": encoded.partition("$")[2][:3] + "…"}

    def must_update(self, encoded):
        return True

    def harden_runtime(self, password, encoded):
        pass
