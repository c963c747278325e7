"""The secret key of de-identified exports, and what it derives: identifier codes and each patient's date shift.

A key is 32 random bytes kept by the hospital in a file of 64 hexadecimal characters (`create_key` writes one,
readable by its owner only). Every code is an HMAC-SHA256 of the identifier under that key (RFC 2104; NIST
SP 800-107 on keyed hashes): the same key gives the same codes, so that successive exports of a growing
registry link, and without the key a code cannot be traced back to the identifier nor computed from it, since
a hospital's identifiers are few enough to be guessed one by one by anyone holding an unkeyed hash.

A code is a letter for its table, a dash and 14 lower-case letters (26^14, about 2^66 codes): letters only, so
that no code can look like a date of birth, a phone or a social security number to the identifier checks.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from iectox.errors import OutputRefused, SourceError
from iectox.i18n import N_
from iectox.io.files import read_file

KEY_BYTES = 32
KEY_HEX = 2 * KEY_BYTES
CODE_LETTERS = 14
LETTERS = "abcdefghijklmnopqrstuvwxyz"
DATE_SHIFT = "date-shift"  # the purpose under which a patient's date shift is derived, apart from every code


def create_key(path: str | Path) -> Path:
    """Write a new random key to `path` (readable and writable by its owner only); an existing file is never
    replaced, since the codes of every export made with it would be lost with it."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise OutputRefused(str(path), N_("a key file is never replaced: keep it, or name a new file"))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(KEY_BYTES) + "\n")
    return path


def read_key(path: str | Path) -> bytes:
    """The key of the file at `path`, or a `SourceError` saying what a key file holds."""
    path = Path(path)
    text = read_file(path).decode("ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < KEY_BYTES:
        raise SourceError(
            str(path),
            N_("is not an iectox key: a key file holds {n} hexadecimal characters (--create-key writes one)"),
            n=KEY_HEX,
        )
    return key


def _digest(key: bytes, purpose: str, value: str) -> bytes:
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()


def pseudonym(key: bytes, namespace: str, value: str, prefix: str) -> str:
    """The code of `value` among the identifiers of `namespace` ("patients.patient_id"): `prefix`, a dash and
    14 letters. The namespace keeps a patient and an infusion that share an identifier apart."""
    number = int.from_bytes(_digest(key, namespace, value)[:12], "big")
    letters = []
    for _ in range(CODE_LETTERS):
        number, digit = divmod(number, len(LETTERS))
        letters.append(LETTERS[digit])
    return f"{prefix}-{''.join(letters)}"


def date_shift_days(key: bytes, patient_id: str, max_days: int) -> int:
    """The patient's date shift: 1 to `max_days` days later, drawn from the key (never 0: the true dates
    would show), the same for every export made with the key."""
    number = int.from_bytes(_digest(key, DATE_SHIFT, patient_id)[:8], "big")
    return 1 + number % max_days


__all__ = ["CODE_LETTERS", "KEY_HEX", "create_key", "date_shift_days", "pseudonym", "read_key"]
