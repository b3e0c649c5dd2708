"""Encryption at rest of sensitive customer fields, with the keys from KEFU_FIELD_KEY.

Values are Fernet tokens (the library's public API only). KEFU_FIELD_KEY holds one Fernet key, or several separated by
commas during a key rotation: the first encrypts, every one decrypts (MultiFernet). Lookups (repeat complaints, screen
pop, one caller row per number) use a keyed digest column, never the clear text: HMAC-SHA256 under a key derived from
the first field key by HKDF. A field's digest column, when it has one, is the CharField named `<field>_digest` on the
same model; `rekey_model` (used by `manage.py rotate_field_key` and by data migrations) writes both again under the
first key.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models, transaction

DIGEST_SUFFIX = "_digest"


def field_keys() -> list[bytes]:
    """The configured Fernet keys, the one that encrypts first."""
    configured = settings.FIELD_ENCRYPTION_KEY
    if not configured:
        # Development only (settings refuse this in production): derive from SECRET_KEY.
        return [base64.urlsafe_b64encode(hashlib.sha256(("field:" + settings.SECRET_KEY).encode()).digest())]
    text = configured.decode() if isinstance(configured, bytes) else configured
    return [k.strip().encode() for k in text.split(",") if k.strip()]


@cache
def _cipher(keys: tuple[bytes, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise ValueError("字段加密密钥（KEFU_FIELD_KEY）格式不正确：应为一个或多个以逗号分隔的 Fernet 密钥") from exc


@cache
def _digest_key(primary: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"kefu field digest v1").derive(primary)


def cipher() -> MultiFernet:
    return _cipher(tuple(field_keys()))


def encrypt(value: str) -> str:
    return cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("无法解密客户字段：字段加密密钥（KEFU_FIELD_KEY）与写入时不一致") from exc


def under_first_key(token: str) -> bool:
    """Whether the first key alone reads the token (after a rotation every token should be)."""
    try:
        Fernet(field_keys()[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


@cache
def _digest_template(primary: bytes) -> hmac.HMAC:
    """An HMAC-SHA256 keyed with the digest key and fed nothing yet: each digest starts from a copy() of it, so that the
    key is not set up again for every value (cryptography's public HMAC API; the same bytes as hmac.new)."""
    return hmac.HMAC(_digest_key(primary), hashes.SHA256())


def digest(value: str) -> str:
    """Keyed, deterministic digest for equality lookups of an encrypted value (hex HMAC-SHA256)."""
    return digest_many([value])[0]


def digest_many(values: list[str]) -> list[str]:
    """digest(v) for each value, the keyed HMAC set up once."""
    template = _digest_template(field_keys()[0])

    def one(value: str) -> str:
        mac = template.copy()
        mac.update(value.strip().encode())
        return mac.finalize().hex()

    return list(map(one, values))


def encrypt_many(values: list[str]) -> list[str]:
    """encrypt(v) for each value, the cipher looked up once (a fresh IV for each value, as encrypt())."""
    encrypt_one = cipher().encrypt
    return [encrypt_one(v.encode()).decode() for v in values]


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


def encrypted_fields(model) -> list[tuple[str, str | None]]:
    """(field, its digest field or None) of a model's encrypted fields."""
    names = {f.name for f in model._meta.get_fields()}
    return [
        (f.name, f.name + DIGEST_SUFFIX if f.name + DIGEST_SUFFIX in names else None)
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedTextField)
    ]


def rekey_model(model, *, chunk: int = 2000, progress=None) -> int:
    """Write every encrypted value of a model again under the first key, and its digest with the first key's digest key.
    Values are read with any configured key. Each chunk of rows is its own transaction (a reader sees a row either
    before or after); rows are read and written by primary key. Empty values (destroyed, or never given) stay as they
    are, and so does a digest without a value. Returns the rows written."""
    pairs = encrypted_fields(model)
    if not pairs:
        return 0
    raw = [model._meta.get_field(name).column for name, _ in pairs]
    table = model._meta.db_table
    pk = model._meta.pk.column
    from django.db import connection

    written, last = 0, None
    qn = connection.ops.quote_name
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            where = f"WHERE {qn(pk)} > %s " if last is not None else ""
            cursor.execute(
                f"SELECT {qn(pk)}, {', '.join(qn(c) for c in raw)} FROM {qn(table)} {where}"
                f"ORDER BY {qn(pk)} LIMIT {int(chunk)}",
                [last] if last is not None else [],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            for row in rows:
                sets, params = [], []
                for (_name, digest_name), column, token in zip(pairs, raw, row[1:]):
                    if not token:
                        continue
                    clear = decrypt(token)
                    sets.append(f"{qn(column)} = %s")
                    params.append(encrypt(clear))
                    if digest_name:
                        sets.append(f"{qn(model._meta.get_field(digest_name).column)} = %s")
                        params.append(digest(clear))
                if sets:
                    cursor.execute(f"UPDATE {qn(table)} SET {', '.join(sets)} WHERE {qn(pk)} = %s", [*params, row[0]])
                    written += 1
            last = rows[-1][0]
        if progress:
            progress(len(rows))
    return written


def count_not_under_first_key(model) -> int:
    """How many encrypted values of a model the first key alone cannot read (rotate_field_key --verify)."""
    columns = [model._meta.get_field(name).column for name, _ in encrypted_fields(model)]
    from django.db import connection

    qn = connection.ops.quote_name
    left = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(model._meta.db_table)}")
        while rows := cursor.fetchmany(2000):
            left += sum(1 for row in rows for token in row if token and not under_first_key(token))
    return left
