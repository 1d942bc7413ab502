"""The directory discipline of the on-disk compile cache: which directories may be used,
where a process puts entries it cannot write into the configured cache, durable atomic
writes, per-entry locks, leftover temporary files, and the seal every entry carries.

Pipeline position: below runtime/compile.py (gcc, `.so` entries, key-value blobs), its
only user. The rules, also documented in README.md ("Compile cache"):

* **Trust.** A cache directory is used only when it is owned by the current user or by
  root and nobody else can write it (no other-write bit; a group-write bit only for the
  user's private group). Anything else raises `UnsafeCacheDirError`: a `.so` planted there
  would run its constructors in this process.
* **Sharing.** Directories are created 0755 and files 0644, so a cache can be shared
  read-only. A trusted cache that this process cannot write still serves its entries; new
  entries go to a private fallback directory under the user's own cache (`dirs`).
* **Durability.** `write_atomic` writes a temporary file in the same directory, fsyncs it,
  renames it over the entry and fsyncs the directory: after a crash or a power loss a
  reader sees the old entry or the new one, never a truncated file.
* **Integrity.** Every entry ends in a seal (`seal` / `unseal`): the key it was written
  under, the ABI version, the payload's size and sha256. A shared object with a trailing
  seal still loads (the dynamic loader reads only what the ELF headers point to). An
  entry whose seal does not match is discarded and rebuilt with a `CacheWarning`.
* **Concurrency.** `locked` takes an `flock` on a per-entry lock file, so N processes that
  need the same entry build it once; the others wait and then read it.
* **Leftovers.** Temporary files are named `.tmp-<pid>-<host>-...` (host: a hash of the
  host name, its boot and the pid namespace); the first write into a directory in a
  process removes those of dead processes of this host and any older than an hour
  (`clean_leftovers`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import grp
import hashlib
import json
import os
import platform
import pwd
import re
import secrets
import shutil
import socket
import stat
import struct
import sys
import sysconfig
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Iterator, Optional

DIR_MODE = 0o755
FILE_MODE = 0o644
LEFTOVER_AGE_S = 3600.0
"""Temporary files older than this are removed whoever wrote them (a killed compile)."""


class UnsafeCacheDirError(RuntimeError):
    """A compile cache directory that other users could write (or that another user
    owns): mlc refuses to load code from it."""


class CacheWarning(UserWarning):
    """A damaged cache entry was discarded, or an entry could not be written."""


class BadEntry(Exception):
    """An entry failed validation; the message says why (internal to the runtime)."""


# ----------------------------------------------------------------------------- trust


def _private_group(gid: int, uid: int) -> bool:
    """The user-private group convention (Debian/Ubuntu umask 002): a group named like
    the user with no other members, so its write bit grants nobody else anything."""
    try:
        user = pwd.getpwuid(uid).pw_name
        group = grp.getgrgid(gid)
    except KeyError:
        return False
    return group.gr_name == user and all(m == user for m in group.gr_mem)


def _owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def trust_problem(st: os.stat_result) -> Optional[str]:
    """Why a file or directory with this stat may not be trusted, or None."""
    uid = os.geteuid()
    if st.st_uid not in (uid, 0):
        return (f"it is owned by {_owner_name(st.st_uid)}, not by you ({_owner_name(uid)}) "
                "or root")
    if st.st_mode & stat.S_IWOTH:
        return f"every user can write it (mode {stat.S_IMODE(st.st_mode):04o})"
    if st.st_mode & stat.S_IWGRP and not (st.st_uid == uid and _private_group(st.st_gid, uid)):
        try:
            group = grp.getgrgid(st.st_gid).gr_name
        except KeyError:
            group = f"gid {st.st_gid}"
        return f"group {group} can write it (mode {stat.S_IMODE(st.st_mode):04o})"
    return None


def check_trusted(path: str) -> None:
    """Raise UnsafeCacheDirError unless directory `path` is safe to load code from."""
    problem = trust_problem(os.stat(path))
    if problem is not None:
        raise UnsafeCacheDirError(
            f"mlc refuses to use the compile cache directory {path}: {problem}, so a "
            f"library planted there would run in this process. Make it yours and private "
            f"(`chown $USER {path}; chmod go-w {path}`), or set MLC_COMPILEDIR (or "
            f"mlc.config.compiledir) to a directory of your own.")


# ----------------------------------------------------------------------------- directories


@dataclass(frozen=True)
class CacheDirs:
    """Where one kind of entry is looked up (in order) and where new ones are written."""

    read: tuple[str, ...]
    write: str


def user_cache_root() -> str:
    """~/.cache/mlc/<interpreter ABI tag> (or under $XDG_CACHE_HOME)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    tag = sysconfig.get_config_var("SOABI") or f"py{platform.python_version()}"
    return os.path.join(base, "mlc", tag)


def fallback_roots(primary: str) -> list[str]:
    """Private directories for the entries of a cache this process cannot write: under
    the user's own cache, else under the temporary directory (one per primary cache)."""
    digest = hashlib.sha256(os.path.abspath(primary).encode()).hexdigest()[:16]
    return [os.path.join(user_cache_root(), "fallback", digest),
            os.path.join(tempfile.gettempdir(), f"mlc-{os.geteuid()}", digest)]


def _usable(path: str) -> Optional[str]:
    """'rw' or 'ro' for a trusted directory (created when missing), None when it does
    not exist and cannot be created. Raises UnsafeCacheDirError for an untrusted one."""
    try:
        os.mkdir(path, DIR_MODE)
        os.chmod(path, DIR_MODE)  # whatever the umask: a cache must be shareable read-only
    except FileExistsError:
        pass
    except FileNotFoundError:
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        except OSError:
            return None
        return _usable(path)
    except OSError:
        if not os.path.isdir(path):
            return None
    if not os.path.isdir(path):
        raise NotADirectoryError(errno.ENOTDIR, "mlc compile cache is not a directory", path)
    check_trusted(path)
    return "rw" if os.access(path, os.W_OK | os.X_OK) else "ro"


def dirs(root: str, sub: str = "") -> CacheDirs:
    """The directories of entries of kind `sub` ('' for libraries, 'kv' for blobs) of the
    cache at `root`; raises PermissionError when neither it nor a fallback is writable."""
    primary = os.path.join(root, sub) if sub else root
    state = _usable(root)
    if sub and state is not None:
        state = _usable(primary)
    if state == "rw":
        return CacheDirs((primary,), primary)
    for fallback_root in fallback_roots(root):
        fallback = os.path.join(fallback_root, sub) if sub else fallback_root
        # the parent too: nobody else may swap a private fallback for their own
        chain = [os.path.dirname(fallback_root), fallback_root] + ([fallback] if sub else [])
        if all(_usable(d) == "rw" for d in chain):
            reads = (primary, fallback) if state == "ro" else (fallback,)
            return CacheDirs(reads, fallback)
    raise PermissionError(errno.EACCES, "mlc cannot write the compile cache nor a private "
                          "fallback for it (set MLC_COMPILEDIR to a writable directory)", primary)


# ----------------------------------------------------------------------------- files


def _pid_space() -> str:
    """What makes a pid mean one process: the host, its boot and the pid namespace (two
    containers sharing a cache volume have their own pids)."""
    parts = [socket.gethostname()]
    with contextlib.suppress(OSError):
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            parts.append(f.read().strip())
    with contextlib.suppress(OSError):
        parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:8]


_HOST = _pid_space()
_LEFTOVER = re.compile(r"^\.tmp-(\d+)-([0-9a-f]{8})-")
_cleaned: set[str] = set()
_cleaned_lock = threading.Lock()


def tmp_path(directory: str, suffix: str) -> str:
    """A fresh temporary file name in `directory` naming this process and host."""
    return os.path.join(directory, f".tmp-{os.getpid()}-{_HOST}-{secrets.token_hex(6)}{suffix}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True


def clean_leftovers(directory: str) -> None:
    """Once per process and directory: remove temporary files of killed compiles (their
    process is gone, on this host) and any older than LEFTOVER_AGE_S."""
    with _cleaned_lock:
        if directory in _cleaned:
            return
        _cleaned.add(directory)
    try:
        names = [n for n in os.listdir(directory) if n.startswith(".tmp-")]
    except OSError:
        return
    now = time.time()
    for name in names:
        path = os.path.join(directory, name)
        match = _LEFTOVER.match(name)
        try:
            old = now - os.lstat(path).st_mtime > LEFTOVER_AGE_S
        except OSError:
            continue
        dead = (match is not None and match.group(2) == _HOST
                and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))))
        if old or dead:
            discard(path)


def discard(path: str) -> None:
    """Remove whatever is at `path` (file, link or directory tree); quiet if gone."""
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except FileNotFoundError:
        pass


def _fsync_dir(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: str, data: bytes, mode: int = FILE_MODE) -> None:
    """Write `data` to `path` durably and atomically (see the module docstring)."""
    directory = os.path.dirname(path)
    clean_leftovers(directory)
    tmp = tmp_path(directory, os.path.basename(path))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


@contextlib.contextmanager
def locked(directory: str, name: str) -> Iterator[None]:
    """Hold an exclusive flock on `directory`/locks/`name`.lock (created on demand; lock
    files are never removed, which would race with a waiting process)."""
    lock_dir = os.path.join(directory, "locks")
    with contextlib.suppress(FileExistsError):
        os.mkdir(lock_dir, DIR_MODE)
    fd = os.open(os.path.join(lock_dir, name + ".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                 FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


# ----------------------------------------------------------------------------- seal


_SEAL_END = b"MLC-SEAL-1\n"
_SEAL_TAIL = struct.calcsize("<I") + len(_SEAL_END)


def seal(data: bytes, key: str, abi: int) -> bytes:
    """`data` followed by its seal: a JSON header (key, ABI version, size, sha256), the
    header's length and a magic line."""
    header = json.dumps({"key": key, "abi": abi, "size": len(data),
                         "sha256": hashlib.sha256(data).hexdigest()}, sort_keys=True).encode()
    return data + b"\n" + header + struct.pack("<I", len(header)) + _SEAL_END


def unseal(blob: bytes, key: str, abi: int) -> bytes:
    """The payload of a sealed `blob` written under `key`; BadEntry says what is wrong."""
    if len(blob) < _SEAL_TAIL or not blob.endswith(_SEAL_END):
        raise BadEntry("no seal: truncated, or not written by this version of mlc")
    (n,) = struct.unpack("<I", blob[-_SEAL_TAIL:-len(_SEAL_END)])
    end = len(blob) - _SEAL_TAIL
    if n > end:
        raise BadEntry("damaged seal")
    try:
        header = json.loads(blob[end - n:end])
    except ValueError:
        raise BadEntry("damaged seal") from None
    if not isinstance(header, dict) or header.get("key") != key:
        raise BadEntry("written under another key (the entry of another source or graph)")
    if header.get("abi") != abi:
        raise BadEntry(f"written for ABI version {header.get('abi')!r}, this is {abi}")
    payload = blob[:max(end - n - 1, 0)]
    if header.get("size") != len(payload):
        raise BadEntry(f"size {len(payload)} where {header.get('size')!r} was written "
                       "(truncated or extended)")
    if header.get("sha256") != hashlib.sha256(payload).hexdigest():
        raise BadEntry("content does not match its sha256 (damaged)")
    return payload


def read_sealed(path: str, key: str, abi: int) -> bytes:
    """The payload of the sealed regular file at `path`; FileNotFoundError when there is
    none, BadEntry when something else is there or the file is not trustworthy."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise BadEntry("not a regular file")
    problem = trust_problem(st)
    if problem is not None:
        raise BadEntry(f"untrusted file: {problem}")
    try:
        with open(path, "rb") as f:
            blob = f.read()
    except FileNotFoundError:
        raise
    except OSError as e:
        raise BadEntry(f"unreadable: {e.strerror or e}") from None
    return unseal(blob, key, abi)


def warn(message: str) -> None:
    """A CacheWarning attributed to the first caller outside mlc (the user's line)."""
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("mlc"):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, CacheWarning, stacklevel=level)


def warn_discarded(path: str, reason: str, action: str = "rebuilding it") -> None:
    warn(f"mlc: discarding the compile cache entry {path} ({reason}); {action}")
