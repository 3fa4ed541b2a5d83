"""Reading what a user pasted as a Tripletex employee token, before Tripletex sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTES = "\"'`“”‘’«»"
# Production tokens are base64 of a small JSON object; test-environment ones add "test-".
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9+/=_\-.:]{16,512}$")
MAX_LENGTH = 2048


class TokenInputError(ValueError):
    """The pasted text cannot be a token at all."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "empty" | "non_printable" | "too_long"


@dataclass
class TokenInput:
    token: str
    warning: str | None = None  # "unusual" when it does not look like a Tripletex token


def read_token(raw: str | None) -> TokenInput:
    """Trim whitespace and quotes; refuse empty or non-printable input; warn on odd shapes."""
    text = (raw or "").strip()
    while text and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    if not text:
        raise TokenInputError("empty")
    if any(not ch.isprintable() for ch in text):
        raise TokenInputError("non_printable")
    if len(text) > MAX_LENGTH:
        raise TokenInputError("too_long")
    return TokenInput(text, None if _TOKEN_SHAPE.match(text) else "unusual")
