"""Encryption at rest of sensitive customer fields, with the key from KEFU_FIELD_KEY.

Values are Fernet tokens. Lookups (repeat complaints, screen pop) use a keyed digest column,
never the clear text.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@cache
def _fernet() -> Fernet:
    key = settings.FIELD_ENCRYPTION_KEY
    if not key:
        # Development only (settings refuse this in production): derive from SECRET_KEY.
        key = base64.urlsafe_b64encode(hashlib.sha256(("field:" + settings.SECRET_KEY).encode()).digest()).decode()
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("无法解密客户字段：字段加密密钥（KEFU_FIELD_KEY）与写入时不一致") from exc


def digest(value: str) -> str:
    """Keyed, deterministic digest for equality lookups of an encrypted value."""
    key = hashlib.sha256(("digest:" + (settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY)).encode()).digest()
    return hmac.new(key, value.strip().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; reads return clear text to code, never to unmasked display."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
