"""Optional Ed25519 signatures of the log's entries, with an inspector's key kept outside
the workspace: whoever can edit the file can rebuild the hash chain, but cannot sign it.

The keys are those of ``yibao plugins keygen`` (``engine.signing``). ``YIBAO_SIGNING_KEY``
names the private key; while it is set, every entry appended is signed. ``verifier`` checks
entries with the public key.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from engine import signing

KEY_VAR = "YIBAO_SIGNING_KEY"


def fingerprint(raw_public: bytes) -> str:
    """A short name of a public key, stored with each signature."""
    return hashlib.sha256(raw_public).hexdigest()[:16]


def _raw(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign(entry_hash: str) -> tuple[str | None, str | None]:
    """(signer, signature) of an entry's hash, or (None, None) when no key is set."""
    path = os.environ.get(KEY_VAR, "").strip()
    if not path:
        return None, None
    key = signing.private_key(Path(path))
    return fingerprint(_raw(key.public_key())), key.sign(entry_hash.encode("ascii")).hex()


def verifier(public_key: str | os.PathLike) -> Callable[[str, str | None, str | None], str]:
    """A check of one entry: '' when it is signed by ``public_key``, else why not."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw = signing.read_public_key(Path(public_key))
    key, name = Ed25519PublicKey.from_public_bytes(raw), fingerprint(raw)

    def check(entry_hash: str, signer: str | None, signature: str | None) -> str:
        if not signature:
            return "it is not signed"
        if signer != name:
            return f"it is signed by another key ({signer}), not {name}"
        try:
            key.verify(bytes.fromhex(signature), entry_hash.encode("ascii"))
        except (InvalidSignature, ValueError):
            return "its signature does not match its content"
        return ""

    return check
