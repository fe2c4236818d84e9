"""Encryption at rest for platform identifiers.

A platform id (a Telegram user id, a Matrix user id, a chat id) is stored twice: encrypted with
AES-256-GCM so Piiri can send to it, and as a keyed HMAC-SHA256 so it can be looked up without
decrypting every row. Both keys are derived with HKDF from one master key, `PIIRI_SECRET_KEY`.
The transport name is bound in as associated data, so a Matrix ciphertext never decrypts as a
Telegram id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_FORMAT_V1 = b"\x01"
_NONCE_BYTES = 12
KEY_BYTES = 32


class SecretKeyError(ValueError):
    """The configured master key is missing or malformed."""


class DecryptionError(ValueError):
    """A stored identifier could not be decrypted (wrong key or tampered row)."""


def user_namespace(transport: str) -> str:
    """Associated data for a person's platform id on `transport`."""
    return f"{transport}:user"


def chat_namespace(transport: str) -> str:
    """Associated data for a chat or room id on `transport` (private chats and group rooms)."""
    return f"{transport}:chat"


def generate_key() -> str:
    """A new master key, as URL-safe base64 text suitable for `PIIRI_SECRET_KEY`."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def parse_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise SecretKeyError("the secret key is not valid URL-safe base64") from exc
    if len(raw) != KEY_BYTES:
        raise SecretKeyError(f"the secret key must decode to {KEY_BYTES} bytes, not {len(raw)}")
    return raw


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class IdentityCipher:
    """Encrypts, decrypts and hashes platform identifiers with keys derived from one master key."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KEY_BYTES:
            raise SecretKeyError(f"the secret key must be {KEY_BYTES} bytes")
        self._aead = AESGCM(_derive(master_key, b"piiri/v1/identity-encryption"))
        self._mac_key = _derive(master_key, b"piiri/v1/identity-lookup")

    @classmethod
    def from_text(cls, text: str) -> IdentityCipher:
        return cls(parse_key(text))

    def lookup_hash(self, namespace: str, identifier: str) -> str:
        """A stable keyed hash for finding a row by its platform id without decrypting."""
        message = namespace.encode() + b"\x00" + identifier.encode()
        return hmac.new(self._mac_key, message, hashlib.sha256).hexdigest()

    def encrypt(self, namespace: str, identifier: str) -> bytes:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, identifier.encode(), namespace.encode())
        return _FORMAT_V1 + nonce + sealed

    def decrypt(self, namespace: str, blob: bytes) -> str:
        if blob[:1] != _FORMAT_V1 or len(blob) < 1 + _NONCE_BYTES + 16:
            raise DecryptionError("unknown identifier format")
        nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, namespace.encode()).decode()
        except InvalidTag as exc:
            raise DecryptionError("identifier does not decrypt with this key") from exc
