"""Build job packages (zip files) for uploads, including hostile ones.

Entry names are written exactly as given (zipfile.ZipInfo keeps "../x",
"/abs" and backslashes on Linux), so tests can send every kind of bad entry.
"""

import dataclasses
import io
import stat
import zipfile

# Fixed entry time, so a package's bytes depend only on its contents.
ENTRY_TIME = (2024, 1, 1, 0, 0, 0)
UNIX = 3  # zip "made by" system for Unix: external_attr carries the mode
MS_DOS = 0  # as written by Windows tools: no Unix mode


@dataclasses.dataclass(frozen=True)
class File:
    """A regular file entry with an explicit Unix mode."""
    content: bytes | str
    mode: int = 0o644


@dataclasses.dataclass(frozen=True)
class Symlink:
    """A symbolic link entry: Unix mode S_IFLNK, the target as content."""
    target: str


@dataclasses.dataclass(frozen=True)
class Directory:
    """A directory entry (name ending in "/", no content)."""
    mode: int = 0o755


def _as_bytes(content):
    return content.encode("utf-8") if isinstance(content, str) else content


def build_zip(entries, *, create_system=UNIX, compression=zipfile.ZIP_DEFLATED):
    """Return the bytes of a zip holding `entries`, in their order.

    `entries` maps an entry name to str or bytes (a file, mode 0644), File,
    Symlink or Directory. With create_system=MS_DOS no Unix modes are
    written, as in zips made on Windows.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, value in entries.items():
            info = zipfile.ZipInfo(name, date_time=ENTRY_TIME)
            info.create_system = create_system
            info.compress_type = compression
            if isinstance(value, Symlink):
                mode = stat.S_IFLNK | 0o777
                data = value.target.encode("utf-8")
                info.compress_type = zipfile.ZIP_STORED
            elif isinstance(value, Directory):
                mode = stat.S_IFDIR | value.mode
                data = b""
                info.external_attr |= 0x10  # MS-DOS directory flag
                info.compress_type = zipfile.ZIP_STORED
            elif isinstance(value, File):
                mode = stat.S_IFREG | value.mode
                data = _as_bytes(value.content)
            else:
                mode = stat.S_IFREG | 0o644
                data = _as_bytes(value)
            if create_system == UNIX:
                info.external_attr |= mode << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def build_zeros_zip(entry_name, size, chunk=1 << 20):
    """Return a zip with one deflated entry of `size` zero bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(entry_name, date_time=ENTRY_TIME)
        info.create_system = UNIX
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        zeros = bytes(chunk)
        with archive.open(info, "w", force_zip64=size > (1 << 31)) as entry:
            remaining = size
            while remaining > 0:
                entry.write(zeros[: min(chunk, remaining)])
                remaining -= chunk
    return buffer.getvalue()
