# ruff: noqa: T201 - a command-line tool that prints
"""How fast a backup part is encrypted and read back, and that memory stays flat while it is.

    DJANGO_SETTINGS_MODULE=strom.settings STROM_ENV=test STROM_VAR_DIR=/tmp/strom-bench-var \
        .venv/bin/python bench/backup_archive.py [--mib 256]

Writes MIB of random bytes through strom.ops.archive.PartWriter (4 MiB chunks, each a JWE to the
development backup key made under STROM_VAR_DIR) into a temporary directory, then reads them back in
the 10 KB reads tarfile makes, and prints MiB/s and the resident memory during each pass. No database
is needed. The memory must not grow with the size written (docs/operations.md, *Backup and restore*).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import django


def resident_mib() -> int:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mib", type=int, default=256)
    args = parser.parse_args()
    django.setup()
    from strom.ops import archive
    from strom.ops.backup_keys import private_key, public_key

    block = os.urandom(2**20)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        writer = archive.PartWriter(directory, "bench", public_key(), "bench")
        peak, started = resident_mib(), time.perf_counter()
        for _ in range(args.mib):
            writer.write(block)
            peak = max(peak, resident_mib())
        writer.close()
        took = time.perf_counter() - started
        print(
            f"write: {args.mib} MiB in {writer.summary.chunks} chunks, {args.mib / took:.0f} MiB/s, "
            f"resident at most {peak} MiB"
        )
        chunks = archive.read_part(
            directory, "bench", key=private_key(None), backup_id="bench", chunks=writer.summary.chunks
        )
        reader = archive.PartReader(chunks)
        peak, started = resident_mib(), time.perf_counter()
        while reader.read(10240):
            if reader.bytes % 2**20 == 0:
                peak = max(peak, resident_mib())
        took = time.perf_counter() - started
        print(f"read:  {reader.bytes // 2**20} MiB, {args.mib / took:.0f} MiB/s, resident at most {peak} MiB")


if __name__ == "__main__":
    main()
