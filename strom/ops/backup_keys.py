"""The operator's key pair that backups are encrypted to, kept apart from the field keys.

`strom backup` needs only the public key (STROM_BACKUP_KEY_FILE): the server that writes backups
cannot read them. `strom restore --key FILE` needs the private key, which the operator keeps offline.
Outside production, when STROM_BACKUP_KEY_FILE is not set, a development pair is made on first use
under the var directory (var/backup-key.pem, mode 0600, and var/backup-key.pub.pem), like the field
keys, so a demo backs up and restores without options. EC keys use ECDH-ES+A256KW, RSA keys
RSA-OAEP-256; content is always A256GCM.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.utils.translation import gettext as _
from joserfc.jwk import ECKey, RSAKey

PRIVATE_NAME = "backup-key.pem"
PUBLIC_NAME = "backup-key.pub.pem"
MIN_RSA_BITS = 3072


class BackupKeyError(Exception):
    pass


@dataclass(frozen=True)
class BackupKey:
    key: ECKey | RSAKey
    algorithm: str
    path: Path

    @property
    def thumbprint(self) -> str:
        """The RFC 7638 thumbprint of the public half: names the key in the backup without revealing it."""
        return str(self.key.thumbprint())


def dev_private_path() -> Path:
    return Path(settings.VAR_DIR) / PRIVATE_NAME


def _default_public_path() -> Path:
    return Path(settings.VAR_DIR) / PUBLIC_NAME


def public_key_path() -> Path:
    return Path(settings.STROM_BACKUP_KEY_FILE)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two commands starting at once must not each make a pair and keep different halves.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def ensure_dev_key_pair() -> None:
    """Outside production, make the development pair on first use (never over an existing file)."""
    if settings.PRODUCTION or public_key_path() != _default_public_path():
        return
    private, public = dev_private_path(), _default_public_path()
    if private.exists() or public.exists():
        return
    key = ec.generate_private_key(ec.SECP256R1())
    try:
        _write_new(
            private,
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            0o600,
        )
    except FileExistsError:
        return
    _write_new(
        public,
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        0o644,
    )


def _wrap(loaded: object, pem: bytes, path: Path) -> BackupKey:
    if isinstance(loaded, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return BackupKey(ECKey.import_key(pem), "ECDH-ES+A256KW", path)
    if isinstance(loaded, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        if loaded.key_size < MIN_RSA_BITS:
            raise BackupKeyError(
                _("%(path)s: an RSA key must have at least %(bits)d bits.")
                % {"path": path, "bits": MIN_RSA_BITS}
            )
        return BackupKey(RSAKey.import_key(pem), "RSA-OAEP-256", path)
    raise BackupKeyError(_("%(path)s: only EC and RSA keys can encrypt backups.") % {"path": path})


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BackupKeyError(_("The backup key file %(path)s does not exist.") % {"path": path}) from None
    except OSError as exc:
        raise BackupKeyError(
            _("The backup key file %(path)s cannot be read: %(error)s")
            % {"path": path, "error": exc.strerror}
        ) from None


def public_key() -> BackupKey:
    """The key `strom backup` encrypts to."""
    ensure_dev_key_pair()
    path = public_key_path()
    pem = _read(path)
    try:
        loaded: object = serialization.load_pem_public_key(pem)
    except ValueError:
        try:
            # A private key works too outside production (its public half is used); on a production
            # server it would let whoever reads the server read every backup.
            loaded = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError):
            raise BackupKeyError(_("%(path)s is not a PEM public key.") % {"path": path}) from None
        if settings.PRODUCTION:
            raise BackupKeyError(
                _("%(path)s holds a private key: give the server only the public key (openssl pkey -pubout).")
                % {"path": path}
            ) from None
    return _wrap(loaded, pem, path)


def private_key(path: Path | None) -> BackupKey:
    """The key `strom restore` decrypts with: the given file, or outside production the development one."""
    if path is None:
        if settings.PRODUCTION:
            raise BackupKeyError(_("Give the backup's private key with --key FILE."))
        path = dev_private_path()
    pem = _read(path)
    try:
        loaded = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise BackupKeyError(
            _("%(path)s is not an unencrypted PEM private key (decrypt it first, e.g. with openssl pkey).")
            % {"path": path}
        ) from None
    return _wrap(loaded, pem, path)
