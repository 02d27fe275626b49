"""The backup directory: parts cut into chunks, each chunk a JWE encrypted to the operator's key.

    DIR/backup.json                     plain: format, id, time, STROM version, which key (thumbprint)
    DIR/<part>.<000000>.jwe             database.dump, media.tar, checkpoints.tar, in chunks
    DIR/manifest.jwe                    counts and checksums; written last, so its absence means the
                                        backup did not finish

Each chunk's protected header names the backup, the part, the chunk's number and whether it is the
last; the header is authenticated with the content (AES-GCM), so a chunk that is changed, dropped,
moved or taken from another backup does not decrypt into place. Chunks are a few megabytes, so a dump
of any size passes through memory one chunk at a time.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from joserfc import jwe
from joserfc.errors import JoseError

from strom.ops.backup_keys import BackupKey

FORMAT = "strom-backup"
FORMAT_VERSION = 1
INDEX_NAME = "backup.json"
MANIFEST_NAME = "manifest.jwe"
CHUNK_BYTES = 4 * 1024 * 1024
ENC = "A256GCM"


class BackupDamaged(Exception):
    pass


class _Registry(jwe.JWERegistry):
    # joserfc caps a compact token at 64 KB by default, against memory exhaustion on untrusted input.
    # A backup chunk is ours and bounded: 4 MiB becomes about 5.6 MB of base64.
    max_ciphertext_length = 8 * 1024 * 1024


def _registry(algorithm: str) -> jwe.JWERegistry:
    return _Registry(algorithms=[algorithm, ENC], strict_check_header=False)


def chunk_name(part: str, seq: int) -> str:
    return f"{part}.{seq:06d}.jwe"


def encrypt(data: bytes, *, key: BackupKey, meta: dict[str, Any]) -> bytes:
    header = {"alg": key.algorithm, "enc": ENC, "strom": meta}
    token = jwe.encrypt_compact(header, data, key.key, registry=_registry(key.algorithm))
    # joserfc's message and recipient objects refer to each other, so each chunk's plaintext and
    # ciphertext wait for the cycle collector, which counts objects, not bytes: without this a large
    # dump grew the process by about three times its size.
    gc.collect(0)
    return token.encode("ascii")


def decrypt(token: bytes, *, key: BackupKey, what: str) -> tuple[bytes, dict[str, Any]]:
    try:
        obj = jwe.decrypt_compact(token, key.key, registry=_registry(key.algorithm))
    except (JoseError, ValueError) as exc:
        raise BackupDamaged(
            _("%(what)s does not decrypt with this key: it is damaged or not part of this backup.")
            % {"what": what}
        ) from exc
    plaintext, meta = obj.plaintext, obj.protected.get("strom")
    del obj
    gc.collect(0)  # as in encrypt: free this chunk's objects now, not when the collector gets to them
    if plaintext is None or not isinstance(meta, dict):
        raise BackupDamaged(_("%(what)s is not a STROM backup chunk.") % {"what": what})
    return plaintext, meta


@dataclass
class PartSummary:
    chunks: int = 0
    bytes: int = 0
    sha256: str = ""


@dataclass
class PartWriter:
    """A write-only file object: what is written is cut into chunks and encrypted as it comes.

    One chunk is held back so the last can be marked as the last when the part is closed."""

    directory: Path
    name: str
    key: BackupKey
    backup_id: str
    _buffer: bytearray = field(default_factory=bytearray)
    _pending: bytes | None = None
    _hash: Any = field(default_factory=hashlib.sha256)
    summary: PartSummary = field(default_factory=PartSummary)
    closed: bool = False

    def write(self, data: bytes) -> int:
        self._buffer += data
        self._hash.update(data)
        self.summary.bytes += len(data)
        while len(self._buffer) >= CHUNK_BYTES:
            self._push(bytes(self._buffer[:CHUNK_BYTES]))
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _push(self, chunk: bytes) -> None:
        if self._pending is not None:
            self._emit(self._pending, last=False)
        self._pending = chunk

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        seq = self.summary.chunks
        meta = {"backup": self.backup_id, "part": self.name, "seq": seq, "last": last}
        path = self.directory / chunk_name(self.name, seq)
        # Owner-only, like the key files: the content is encrypted, but its size and number are not.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
            fh.write(encrypt(chunk, key=self.key, meta=meta))
        self.summary.chunks += 1

    def flush(self) -> None:
        """Chunks are written when full; tarfile calls this and must not cut a short one."""

    def close(self) -> None:
        if self.closed:
            return
        if self._buffer or self._pending is None:
            self._push(bytes(self._buffer))
            self._buffer.clear()
        assert self._pending is not None
        self._emit(self._pending, last=True)
        self._pending = None
        self.summary.sha256 = self._hash.hexdigest()
        self.closed = True


def read_part(directory: Path, name: str, *, key: BackupKey, backup_id: str, chunks: int) -> Iterator[bytes]:
    """The part's plaintext, chunk by chunk, each checked to be this backup's next chunk of this part."""
    for seq in range(chunks):
        path = directory / chunk_name(name, seq)
        try:
            token = path.read_bytes()
        except FileNotFoundError:
            raise BackupDamaged(
                _("The backup is incomplete: %(file)s is missing.") % {"file": path.name}
            ) from None
        data, meta = decrypt(token, key=key, what=path.name)
        expected = {"backup": backup_id, "part": name, "seq": seq, "last": seq == chunks - 1}
        if meta != expected:
            raise BackupDamaged(
                _("%(file)s is not in its place: it belongs to another backup, part or position.")
                % {"file": path.name}
            )
        yield data
    if (directory / chunk_name(name, chunks)).exists():
        raise BackupDamaged(
            _("%(file)s follows the last chunk of %(part)s: the directory mixes backups.")
            % {"file": chunk_name(name, chunks), "part": name}
        )


class PartReader:
    """A read-only file object over read_part, for tarfile's stream mode and for pipes.

    tarfile reads 10 KB at a time: the current chunk is kept whole and read from an offset, so a
    read never copies the rest of a 4 MiB chunk."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._chunk = b""
        self._offset = 0
        self._hash = hashlib.sha256()
        self.bytes = 0

    def _take(self, size: int) -> bytes:
        while self._offset >= len(self._chunk):
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._chunk, self._offset = chunk, 0
        end = len(self._chunk) if size < 0 else self._offset + size
        data = self._chunk[self._offset : end]
        self._offset += len(data)
        return data

    def read(self, size: int = -1) -> bytes:
        pieces: list[bytes] = []
        wanted = size
        while wanted != 0:
            piece = self._take(wanted)
            if not piece:
                break
            pieces.append(piece)
            if wanted > 0:
                wanted -= len(piece)
        data = b"".join(pieces)
        self._hash.update(data)
        self.bytes += len(data)
        return data

    def drain(self) -> None:
        while self.read(CHUNK_BYTES):
            pass

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


def write_json(path: Path, value: dict[str, Any]) -> None:
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as fh:
        json.dump(value, fh, indent=2, sort_keys=True)
        fh.write("\n")
