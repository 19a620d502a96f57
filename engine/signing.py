"""Signed plug-ins: a manifest of every file's SHA-256, signed with Ed25519.

A region signs its plug-in once (``yibao plugins sign FOLDER --key KEY``); the manifest is
``yibao-signature.json`` inside a plug-in folder, or ``<file>.sig.json`` beside a single-file
plug-in (``.py``, wheel, zip). An inspector's laptop trusts the region's public keys, kept in
the trusted-keys folders (``trusted_key_dirs``): with any key there, a drop-in plug-in whose
signature is missing, invalid, made by an unknown key, or does not cover exactly the files
present is refused *before* its code is imported. With no trusted key, plug-ins load as before
and unsigned drop-ins carry a warning.

Ed25519 comes from ``cryptography`` (pyca): a well-kept library with wheels for every platform
the app ships on; signatures are not something to write by hand.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import UserError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

MANIFEST = "yibao-signature.json"
SIDECAR = ".sig.json"
KEYS_ENV = "YIBAO_TRUSTED_KEYS"
# What ``plugins install`` leaves behind, so what is signed is what lands on a laptop.
NOT_INSTALLED = ("__pycache__", "*.egg-info", "tests")


def trusted_key_dirs() -> list[Path]:
    """``$YIBAO_TRUSTED_KEYS`` if set, else the user's config folder; plus ``trusted_keys/``
    beside a packaged executable (so a field kit carries its region's keys)."""
    env = os.environ.get(KEYS_ENV)
    if env:
        dirs = [Path(env)]
    else:
        import platformdirs

        dirs = [Path(platformdirs.user_config_dir("yibao", appauthor=False)) / "trusted_keys"]
    if getattr(sys, "frozen", False):
        dirs.append(Path(sys.executable).resolve().parent / "trusted_keys")
    return dirs


@dataclass(frozen=True)
class TrustedKey:
    name: str  # the key file's stem: who signs with it
    raw: bytes  # 32 bytes of Ed25519 public key


def trusted_keys() -> list[TrustedKey]:
    keys = []
    for folder in trusted_key_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.pub")):
            try:
                keys.append(TrustedKey(path.stem, read_public_key(path)))
            except UserError:
                continue  # a damaged key file trusts nobody
    return keys


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def read_public_key(path: Path) -> bytes:
    try:
        raw = base64.b64decode(path.read_text(encoding="ascii").split()[-1], validate=True)
    except (OSError, ValueError, IndexError) as exc:
        raise UserError(f"{path} is not a yibao public key: {exc}") from None
    if len(raw) != 32:
        raise UserError(f"{path} is not a yibao public key (an Ed25519 key has 32 bytes)")
    return raw


def keygen(base: Path) -> tuple[Path, Path]:
    """Write ``base.key`` (private, owner-only) and ``base.pub``; refuse to overwrite."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private_path, public_path = base.with_suffix(".key"), base.with_suffix(".pub")
    for path in (private_path, public_path):
        if path.exists():
            raise UserError(f"{path} exists; choose another name or move it away first")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    base.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public_path.write_text(f"yibao-ed25519 {_b64(raw)}\n", encoding="ascii")
    return private_path, public_path


def private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key ``plugins keygen`` wrote to ``path``; a UserError for anything else."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise UserError(
            f"{path} is not a private key made by yibao plugins keygen: {exc}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(f"{path} is not an Ed25519 key")
    return key


def _files(plugin: Path) -> dict[str, str]:
    """Every file of a plug-in (relative name → SHA-256), the manifest itself excluded."""
    if plugin.is_file():
        return {plugin.name: _sha256(plugin)}
    out = {}
    for folder, dirs, files in os.walk(plugin):
        dirs[:] = sorted(d for d in dirs if not _not_installed(d))
        for name in sorted(files):
            if _not_installed(name):
                continue
            path = Path(folder) / name
            rel = path.relative_to(plugin).as_posix()
            if rel != MANIFEST and not name.endswith(".pyc"):
                out[rel] = _sha256(path)
    return out


def _not_installed(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in NOT_INSTALLED)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path(plugin: Path) -> Path:
    return plugin / MANIFEST if plugin.is_dir() else plugin.with_name(plugin.name + SIDECAR)


def _signed_bytes(files: dict[str, str], signer: str) -> bytes:
    body = {"files": files, "signer": signer}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(plugin: Path, key_path: Path, signer: str | None = None) -> Path:
    """Write the plug-in's signed manifest; returns its path."""
    if not plugin.exists():
        raise UserError(f"no such plug-in file or folder: {plugin}")
    key = private_key(key_path)
    signer = signer or key_path.stem
    files = _files(plugin)
    from cryptography.hazmat.primitives import serialization

    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    out = manifest_path(plugin)
    out.write_text(
        json.dumps(
            {
                "files": files,
                "signer": signer,
                "public_key": _b64(public),
                "signature": _b64(key.sign(_signed_bytes(files, signer))),
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    return out


@dataclass(frozen=True)
class Verdict:
    """What the signature of a plug-in says: ``signer`` when it verifies, else ``problem``."""

    signer: str | None = None
    problem: str | None = None


def verify(plugin: Path, keys: list[TrustedKey]) -> Verdict:
    """Check a plug-in against the trusted keys without importing any of it."""
    path = manifest_path(plugin)
    if not path.is_file():
        return Verdict(problem="it is not signed")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
        signer = str(manifest["signer"])
        public = base64.b64decode(manifest["public_key"], validate=True)
        signature = base64.b64decode(manifest["signature"], validate=True)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Verdict(problem=f"its signature file {path.name} cannot be read ({exc})")
    key = next((k for k in keys if k.raw == public), None)
    if key is None:
        return Verdict(problem=f"it is signed by {signer!r} with a key that is not trusted")
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, _signed_bytes(files, signer))
    except (InvalidSignature, ValueError):
        return Verdict(problem="its signature does not match its manifest (altered)")
    present = _files(plugin)
    extra = sorted(set(present) - set(files))
    if extra:
        return Verdict(problem=f"file {extra[0]} is not covered by the signature")
    for name, digest in sorted(files.items()):
        if name not in present:
            return Verdict(problem=f"signed file {name} is missing")
        if present[name] != digest:
            return Verdict(problem=f"file {name} was changed after signing")
    return Verdict(signer=f"{signer} ({key.name})")
