"""Document files at rest: AES-256-GCM, one data key per document, wrapped by the field-encryption keys.

Each document gets its own random 256-bit data key. The file holds `MAGIC || nonce || ciphertext+tag`
with the document's uuid as associated data (a file swapped onto another document's row does not
decrypt). The data key is stored in the document row in an EncryptedTextField, i.e. encrypted with
the key ring's current key, whose id it carries (`v1$<key id>$…`). So `strom keys rotate` re-wraps
every document key along with the other encrypted columns, `strom keys status` counts them and
`strom keys retire` cannot retire a key a document still needs. `strom casefile reencrypt-documents`
additionally rewrites the files themselves under fresh data keys (services.document_reencrypt).

Files are named by a random uuid under <default storage>/casefile/; nothing on disk carries the
original name, the case or the person.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

MAGIC = b"STROMDOC1"
NONCE_BYTES = 12
KEY_BYTES = 32
DIRECTORY = "casefile"


class DocumentDecryptionError(Exception):
    """The file is missing, not ours, tampered with, or belongs to another document."""


def storage() -> Storage:
    return storages["default"]


def new_data_key() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _aad(document_uuid: uuid.UUID) -> bytes:
    return b"strom.casefile.document:" + document_uuid.bytes


def seal(data: bytes, *, data_key: str, document_uuid: uuid.UUID) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    key = base64.b64decode(data_key)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, data, _aad(document_uuid))


def unseal(blob: bytes, *, data_key: str, document_uuid: uuid.UUID) -> bytes:
    if not blob.startswith(MAGIC):
        raise DocumentDecryptionError("not a STROM document file")
    body = blob[len(MAGIC) :]
    try:
        key = base64.b64decode(data_key, validate=True)
        return AESGCM(key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], _aad(document_uuid))
    except (InvalidTag, ValueError) as exc:
        raise DocumentDecryptionError("the file does not decrypt with its key") from exc


def write_blob(blob: bytes) -> str:
    """Store ciphertext under a fresh random name; returns the storage name."""
    return storage().save(f"{DIRECTORY}/{uuid.uuid4().hex}", ContentFile(blob))


def read_blob(name: str) -> bytes:
    try:
        with storage().open(name, "rb") as fh:
            data: bytes = fh.read()
            return data
    except FileNotFoundError as exc:
        raise DocumentDecryptionError("the file is missing") from exc


def delete_blob(name: str) -> None:
    storage().delete(name)


# For export and erasure (strom/cases/related.py `FileAdapter`, registered in apps.py): a document's
# file is kept under a random storage name and sealed with its own data key.


def document_storage_names(document: Any) -> list[str]:
    return [document.storage_name] if document.storage_name else []


def document_plaintext(document: Any) -> tuple[str, bytes]:
    """The name to show and the decrypted content of a case document's file."""
    blob = read_blob(document.storage_name)
    name = document.original_name or str(document.uuid)
    return name, unseal(blob, data_key=document.data_key, document_uuid=document.uuid)
