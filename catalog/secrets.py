"""Encryption at rest for connection secrets: Fernet, keyed from settings.SECRET_KEY with HKDF.

Deriving the key (rather than a new setting) means every web and worker machine that shares
the secret key can read the secrets, and nothing else has to be configured. Rotating
SECRET_KEY makes stored secrets unreadable: they must be entered again.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"glueweb catalog connection secrets v1"


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secrets(values: dict[str, str]) -> str:
    if not values:
        return ""
    return _fernet(settings.SECRET_KEY).encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt_secrets(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        data = _fernet(settings.SECRET_KEY).decrypt(token.encode())
    except InvalidToken:
        raise ValueError("the stored secrets cannot be decrypted (was the secret key changed?)") from None
    loaded: dict[str, str] = json.loads(data)
    return loaded
