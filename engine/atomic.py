"""Writing a file so that it is complete or absent: a temporary file beside it, renamed into place when done.

A file nudge writes is never seen half written: the text goes to `.NAME.<random>.tmp` in the same directory
(a rename across directories could be a copy), and only `commit()` gives it its name. An existing file is
never replaced unless asked (`force`): without it the commit is a hard link, which the kernel refuses when the
name is taken, so a file made by someone else between the check and the commit is not lost either. Every
problem is a WriteError whose message names the path; never an OSError reaching the user.
"""

from __future__ import annotations

import errno
import os
import secrets

from .config import shortened_path


class WriteError(Exception):
    """A file cannot be written. `exists`: refused because the path exists and overwriting was not asked for
    (the CLI adds "use --force", the app asks for a confirmation)."""

    def __init__(self, path: str, reason: str, exists: bool = False):
        self.path, self.reason, self.exists = str(path), reason, exists
        super().__init__(f"cannot write {shortened_path(path)!r}: {reason}")


def _name_max(folder: str) -> int:
    """The longest file name the folder's file system takes (255 where it cannot say)."""
    try:
        return os.pathconf(folder or ".", "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _exists_error(path: str) -> WriteError:
    return WriteError(path, "it exists already", exists=True)


def check_target(path: str, force: bool = False) -> None:
    """Refuse early what a write to `path` would refuse late: a name that is not a file name, a directory,
    an existing file without `force`, a folder that is missing or not writable (tried by making and removing
    the temporary file)."""
    AtomicFile(path, force=force).open().discard()


class AtomicFile:
    """`with AtomicFile(path) as f: f.write(text)`: committed when the block ends without an exception,
    removed when it raises. Or drive it by hand: `open()`, `write()`, `commit()` / `discard()`."""

    def __init__(self, path: str, force: bool = False):
        self.path = os.fspath(path)
        self.force = force
        self.temp: str | None = None
        self._fd: int | None = None
        self.bytes_written = 0

    # -- by hand ---------------------------------------------------------------------------------------

    def open(self) -> "AtomicFile":
        path = self.path
        if not path or "\0" in path:
            raise WriteError(path, "not a valid file name")
        if os.path.isdir(path):
            raise WriteError(path, "it is a folder")
        if not self.force and os.path.lexists(path):
            raise _exists_error(path)
        if os.path.exists(path) and not os.path.isfile(path):  # a device, a pipe: never renamed over, even forced
            raise WriteError(path, "it is not a regular file")
        folder, name = os.path.split(path)
        if not name:
            raise WriteError(path, "not a file name (it ends with a slash)")
        if len(os.fsencode(name)) > _name_max(folder):
            raise WriteError(path, "the file name is too long")
        self.temp = os.path.join(folder, f".{name[:200]}.{secrets.token_hex(4)}.tmp")
        try:
            # 0o666 less the umask, as any new file: not mkstemp's 0o600
            self._fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as exc:
            self.temp = None
            if exc.errno == errno.ENOENT:
                raise WriteError(path, f"the folder {shortened_path(folder or '.')!r} does not exist") from None
            raise WriteError(path, _reason(exc)) from None
        return self

    def write(self, data: str | bytes) -> None:
        if self._fd is None:
            raise RuntimeError("write() before open()")
        view = memoryview(data.encode("utf-8") if isinstance(data, str) else data)
        try:
            while view:
                n = os.write(self._fd, view)
                view = view[n:]
                self.bytes_written += n
        except OSError as exc:
            self.discard()
            raise WriteError(self.path, _reason(exc)) from None

    def commit(self) -> None:
        """Give the temporary file its name: replacing an existing file only with `force`."""
        if self._fd is None or self.temp is None:
            raise RuntimeError("commit() before open()")
        try:
            os.fsync(self._fd)
            os.close(self._fd)
        except OSError as exc:
            self._fd = None
            self.discard()
            raise WriteError(self.path, _reason(exc)) from None
        self._fd = None
        try:
            if self.force:
                os.replace(self.temp, self.path)
            else:
                self._link_into_place()
        except OSError as exc:
            self.discard()
            if isinstance(exc, FileExistsError):
                raise _exists_error(self.path) from None
            raise WriteError(self.path, _reason(exc)) from None
        self.temp = None

    def _link_into_place(self) -> None:
        assert self.temp is not None
        try:
            os.link(self.temp, self.path)  # fails if the name is taken: nothing is ever replaced
        except FileExistsError:
            raise
        except OSError as exc:  # a file system without hard links: check, then rename
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK,
                                 errno.ENOSYS):
                raise
            if os.path.lexists(self.path):
                raise FileExistsError(errno.EEXIST, "exists", self.path) from None
            os.replace(self.temp, self.path)
            return
        os.unlink(self.temp)

    def discard(self) -> None:
        """Remove the temporary file (nothing was committed)."""
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
        if self.temp is not None:
            try:
                os.unlink(self.temp)
            except OSError:
                pass
            self.temp = None

    # -- as a context manager ----------------------------------------------------------------------------

    def __enter__(self) -> "AtomicFile":
        return self.open()

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def write_atomic(path: str, data: str | bytes, force: bool = False) -> int:
    """Write the whole of `data` to `path`, complete or not at all; the bytes written. WriteError otherwise."""
    with AtomicFile(path, force=force) as f:
        f.write(data)
    return f.bytes_written
