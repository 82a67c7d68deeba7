"""Every path a user gives govsim goes through here: files read, stores opened, folders written.

The checks happen before anything is read, created or run, and each problem becomes one line
(:class:`InputError`) naming the path and what is wrong, never an ``OSError`` traceback:

* a NUL byte, a name component longer than the file system allows (``NAME_MAX``, 255 bytes on
  Linux) or a whole path longer than ``PATH_MAX`` (4,096 bytes);
* a symlink loop, a missing file, a folder where a file is expected (or the reverse), a FIFO,
  device or socket (reading one would block or never end), a file without read permission;
* an input file larger than :data:`MAX_INPUT_BYTES` (scenario and experiment files are a few KB);
* TOML nested deeper than :data:`MAX_NESTING` (Python's TOML reader recurses once per level, so
  3,000 nested ``[`` would end in ``RecursionError``): checked by a cheap scan before parsing,
  and the parsed document's depth again after (dotted keys nest without brackets);
* chains of ``extends``/``apply`` longer than :data:`MAX_INCLUDE_DEPTH` files.
"""

from __future__ import annotations

import errno
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

#: Largest scenario or experiment file read (bytes).  The shipped files are under 5 KB.
MAX_INPUT_BYTES = 1 << 20
#: Deepest nesting of arrays, inline tables and tables in a TOML file.  A scenario needs 4
#: (``[[timeline]]`` > ``set`` > section > per-group table).
MAX_NESTING = 32
#: Longest chain of files through ``extends`` and ``apply``.  The shipped scenarios use 3.
MAX_INCLUDE_DEPTH = 32

_NAME_MAX = 255
_PATH_MAX = 4096


class InputError(ValueError):
    """A path or size the user gave that cannot be used.  ``str(err)`` is one line."""

    def __init__(self, source: str, message: str) -> None:
        self.source, self.message = source, message
        super().__init__(f"{source}: {message}" if source else message)


def shown(path: str | os.PathLike[str]) -> str:
    """The path as the user should see it: relative to the working directory when inside it."""
    text = os.fspath(path)
    if "\0" in text:
        return text.replace("\0", "\\0")
    if len(text) > 200:
        return text[:100] + "..." + text[-60:]
    try:
        return str(Path(text).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):
        return text


def check_name(path: str | os.PathLike[str], what: str = "path") -> Path:
    """``path`` as a :class:`Path` if its spelling can name a file at all (no NUL, not too long)."""
    text = os.fspath(path)
    where = shown(text)
    if not text:
        raise InputError("", f"empty {what}")
    if "\0" in text:
        raise InputError(where, f"the {what} contains a NUL byte")
    raw = os.fsencode(text)
    if len(raw) > _PATH_MAX:
        raise InputError(where, f"the {what} is {len(raw):,} bytes long; at most {_PATH_MAX:,}")
    longest = max((len(part) for part in raw.split(b"/")), default=0)
    if longest > _NAME_MAX:
        raise InputError(where, f"a name in the {what} is {longest} bytes long; at most {_NAME_MAX}")
    return Path(text)


def _os_problem(e: OSError) -> str:
    """What an ``OSError`` from stat/open means for the user, without the Python dressing."""
    return {
        errno.ENOENT: "not found",
        errno.ELOOP: "symlink loop (a link that points back to itself)",
        errno.ENAMETOOLONG: "the name is too long",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EISDIR: "is a folder, not a file",
    }.get(e.errno or 0, e.strerror or str(e))


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def input_file(path: str | os.PathLike[str], what: str = "file") -> Path:
    """``path`` if it is an existing regular file (links followed) of at most MAX_INPUT_BYTES."""
    p = check_name(path, what)
    try:
        st = os.stat(p)
    except OSError as e:
        problem = _os_problem(e)
        raise InputError(shown(p), f"{what} {problem}" if e.errno == errno.ENOENT else problem) from None
    if not stat.S_ISREG(st.st_mode):
        article = "an" if what[:1] in "aeiou" else "a"
        raise InputError(shown(p), f"is {_kind(st.st_mode)}, not {article} {what}")
    if st.st_size > MAX_INPUT_BYTES:
        raise InputError(shown(p), f"{what} is {st.st_size:,} bytes; at most {MAX_INPUT_BYTES:,} are read")
    return p


def read_text(path: str | os.PathLike[str], what: str = "file") -> str:
    """The UTF-8 text of an input file, checked by :func:`input_file` first."""
    p = input_file(path, what)
    try:
        with open(p, "rb") as f:
            data = f.read(MAX_INPUT_BYTES + 1)
    except OSError as e:
        raise InputError(shown(p), f"cannot read: {_os_problem(e)}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(shown(p), f"{what} is larger than {MAX_INPUT_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(shown(p), "not valid TOML: the file is not UTF-8 text") from None


def bracket_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in TOML text, outside strings and comments.

    A linear scan that understands TOML's four kinds of strings; on text that is not valid TOML
    it may be off, which does not matter: the parser then reports the syntax error.
    """
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(depth - 1, 0)
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "\"'":
            triple = text.startswith(c * 3, i)
            close = c * 3 if triple else c
            j = i + len(close)
            while j < n:
                if c == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(close, j):
                    break
                if not triple and text[j] == "\n":
                    break
                j += 1
            i = j + len(close)
            continue
        i += 1
    return deepest


def value_depth(doc: Any) -> int:
    """How deeply tables and arrays nest in a parsed document (iteratively: no recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            return depth
        stack.extend((child, depth) for child in children)
    return deepest


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """Parse TOML text with the nesting bounded before and after parsing."""
    too_deep = f"tables and arrays nest more than {MAX_NESTING} levels deep"
    if bracket_depth(text) > MAX_NESTING:
        raise InputError(where, f"not accepted: {too_deep}")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(where, f"not valid TOML: {e}") from None
    except RecursionError:  # the scan above should make this unreachable; never a traceback
        raise InputError(where, f"not accepted: {too_deep}") from None
    if value_depth(doc) > MAX_NESTING:
        raise InputError(where, f"not accepted: {too_deep} (dotted keys count as levels)")
    return doc


def read_toml(path: str | os.PathLike[str], what: str = "file") -> tuple[dict[str, Any], str]:
    """The parsed document and its text (see :func:`read_text` and :func:`parse_toml`)."""
    text = read_text(path, what)
    return parse_toml(text, shown(path)), text


def _existing_ancestor(p: Path) -> Path:
    q = p.absolute()
    while not q.exists() and q != q.parent:
        try:
            q.lstat()  # a dangling link or a loop counts as existing, and fails below
            break
        except OSError:
            q = q.parent
    return q


def _writable_folder(p: Path, what: str) -> None:
    """The nearest existing folder above ``p`` can hold it (so it can be created later)."""
    top = _existing_ancestor(p.parent)
    try:
        st = os.stat(top)
    except OSError as e:
        raise InputError(shown(p), f"cannot create the {what}: {shown(top)}: {_os_problem(e)}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise InputError(shown(p), f"cannot create the {what}: {shown(top)} is {_kind(st.st_mode)}")
    if not os.access(top, os.W_OK | os.X_OK):
        raise InputError(shown(p), f"cannot create the {what}: {shown(top)} is not writable")


def output_dir(path: str | os.PathLike[str], what: str = "output folder") -> Path:
    """A folder to write into: an existing writable folder, or one that can be created.

    Nothing is created here: this is checked before the work, the folder is made after it.
    """
    p = check_name(path, what)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        _writable_folder(p, what)
        return p
    except OSError as e:
        raise InputError(shown(p), f"{what}: {_os_problem(e)}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise InputError(shown(p), f"exists and is {_kind(st.st_mode)}, not a folder ({what})")
    if not os.access(p, os.W_OK | os.X_OK):
        raise InputError(shown(p), f"{what} is not writable")
    return p


def output_file(path: str | os.PathLike[str], what: str = "output file") -> Path:
    """A file to (over)write: a regular file or nothing yet, in a folder that exists or can be made."""
    p = check_name(path, what)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        _writable_folder(p, what)
        return p
    except OSError as e:
        raise InputError(shown(p), f"{what}: {_os_problem(e)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(shown(p), f"is {_kind(st.st_mode)}, not a file ({what})")
    return p


def store_file(path: str | os.PathLike[str]) -> Path:
    """The path of a store: an existing regular file, or a new one in a usable folder."""
    return output_file(path, "store")


def include_depth_ok(depth: int, where: str) -> None:
    """Refuse an ``extends``/``apply`` chain longer than :data:`MAX_INCLUDE_DEPTH` files."""
    if depth > MAX_INCLUDE_DEPTH:
        raise InputError(
            where, f"extends/apply chain deeper than {MAX_INCLUDE_DEPTH} files; is it meant to be this long?"
        )
