"""Encryption of secrets at rest (tokens), with key rotation through MultiFernet."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretBox:
    """Encrypts and decrypts short secrets; the first key encrypts, all keys decrypt."""

    def __init__(self, keys: str):
        parts = [part.strip() for part in keys.split(",") if part.strip()]
        if not parts:
            raise ValueError("no encryption key configured")
        self._fernet = MultiFernet([Fernet(part) for part in parts])

    def encrypt(self, plaintext: str) -> str:
        """Return the ciphertext of a secret, as text for a TEXT column."""
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        """Return the secret; raises SecretUnreadable when no configured key fits."""
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise SecretUnreadable(
                "stored secret cannot be decrypted with the configured keys"
            ) from exc

    def rotate(self, ciphertext: str) -> str:
        """Re-encrypt a secret under the newest key; SecretUnreadable when no key fits."""
        try:
            return self._fernet.rotate(ciphertext.encode("ascii")).decode("ascii")
        except InvalidToken as exc:
            raise SecretUnreadable(
                "stored secret cannot be decrypted with the configured keys"
            ) from exc


class SecretUnreadable(Exception):
    """A stored secret was encrypted with a key that is no longer configured."""
