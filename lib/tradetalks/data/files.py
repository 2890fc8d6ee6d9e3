"""The files of a data package: which ones it declares, and reading them safely.

Only ``datapackage.json`` and the files its resources name belong to the package; only they are read,
validated and published. Each is read without following a symbolic link and only if it is a regular
file, so a link to a secret file or a FIFO in ``data/`` is refused with a message (its content is
never read or shown) instead of being published or hanging the build.
"""
from __future__ import annotations

import errno
import json
import os
import re
import stat
from pathlib import Path

DESCRIPTOR = "datapackage.json"
#: A resource's path: one plain file name in the data folder (no folders, no "..", no absolute path).
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(csv|json)$")


class DataFileError(Exception):
    """A data file that cannot be read: ``file`` and ``expected`` say which and what is needed."""

    def __init__(self, file: str, expected: str):
        self.file, self.expected = file, expected
        super().__init__(f"{file}: expected {expected}")


def read_regular_file(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a link, folder, FIFO or device)."""
    name = path.name
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise DataFileError(name, "the file to exist in the data folder") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataFileError(name, "a regular file, not a symbolic link (replace the link by the file itself)") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise DataFileError(name, "a file this user may read (check its permissions)") from None
        if exc.errno == errno.EISDIR:
            raise DataFileError(name, "a regular file, not a folder") from None
        raise DataFileError(name, f"a readable regular file ({os.strerror(exc.errno or 0)})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO, socket or device"
            raise DataFileError(name, f"a regular file, not {kind}")
        chunks = []
        while True:
            try:
                chunk = os.read(fd, 1 << 20)
            except OSError as exc:
                raise DataFileError(name, f"a readable regular file ({os.strerror(exc.errno or 0)})") from None
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_descriptor(data_dir: Path) -> dict:
    """``datapackage.json`` as a dict; raises :class:`DataFileError` saying what is wrong."""
    raw = read_regular_file(Path(data_dir) / DESCRIPTOR)
    try:
        descriptor = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DataFileError(DESCRIPTOR, "UTF-8 text") from None
    except ValueError as exc:
        raise DataFileError(DESCRIPTOR, f"valid JSON ({exc})") from None
    if not isinstance(descriptor, dict):
        raise DataFileError(DESCRIPTOR, "a JSON object (the Data Package descriptor)")
    return descriptor


def resource_paths(descriptor: dict) -> list[str]:
    """The file names the descriptor's resources declare (those with a usable name only)."""
    out = []
    for res in descriptor.get("resources") or []:
        path = res.get("path") if isinstance(res, dict) else None
        if isinstance(path, str) and SAFE_NAME.match(path):
            out.append(path)
    return out


def declared_files(data_dir: Path) -> list[Path]:
    """``datapackage.json`` and the files its resources declare (the package's files, nothing else)."""
    data_dir = Path(data_dir)
    try:
        descriptor = read_descriptor(data_dir)
    except DataFileError:
        return [data_dir / DESCRIPTOR]
    return [data_dir / DESCRIPTOR] + [data_dir / p for p in dict.fromkeys(resource_paths(descriptor))]
