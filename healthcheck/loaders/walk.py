"""Walking a reports folder: every entry is either read, or named in a note or an error (SPEC 6: no silent drop).

Symbolic links to files and folders are followed (a seller may link a download folder in). A link that leads
nowhere or into a loop, or an entry that cannot be looked at, is an error (exit 3): it stood for a report, perhaps
on a drive or synced folder not mounted, and the audit must not go on as if the folder were whole. A link to a
folder that holds the one audited is an error too: through it the folders beside it, another account's, would be
read. A pipe or a device, and a link back to a folder already read, are named in a note.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from healthcheck.errors import InputProblem


@dataclass
class Walk:
    """What a folder holds: its regular files (sorted, hidden ones left out) and what could not be walked."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)


def walk_folder(folder: Path) -> Walk:
    """Every regular file under `folder`; hidden files and folders (`.name`, editors' and our own temporary
    files) are passed over, as they never hold a download."""
    walk = Walk()
    root = folder.resolve()
    seen: set[tuple[int, int]] = set()
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            info = current.stat()
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError as exc:
            walk.problems.append(
                InputProblem(
                    "unreadable",
                    str(current),
                    f"the folder cannot be read ({exc.strerror or exc}); reports in it were not audited: "
                    "check its permissions",
                )
            )
            continue
        if (info.st_dev, info.st_ino) in seen:
            walk.notes.append(f"{current}: a link back to a folder already read (a loop of links), skipped")
            continue
        seen.add((info.st_dev, info.st_ino))
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                mode = os.stat(entry.path).st_mode  # follows links: what the entry leads to
            except OSError as exc:
                walk.problems.append(InputProblem("unreadable", str(path), _broken(path, exc)))
                continue
            if stat.S_ISDIR(mode):
                if entry.is_symlink() and _holds(path.resolve(), root):
                    walk.problems.append(InputProblem("unreadable", str(path), _ancestor(path)))
                    continue
                pending.append(path)
            elif stat.S_ISREG(mode):
                walk.files.append(path)
            else:
                walk.notes.append(f"{path}: not a regular file (a pipe, socket or device), skipped")
    walk.files.sort()
    return walk


def _holds(target: Path, root: Path) -> bool:
    """Whether a folder link leads above the folder audited: to a folder that holds it (`backup -> ..`)."""
    return target != root and root.is_relative_to(target)


def _ancestor(path: Path) -> str:
    return (
        f"a symbolic link to {os.readlink(path)}, a folder that holds the one audited: through it the folders "
        "beside this one (other accounts' reports) would be read as its own; remove the link"
    )


def _broken(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link that loops back on itself, so nothing can be read through it: fix or remove the link"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return (
            f"a symbolic link to {os.readlink(path)}, which does not exist, so the report it stands for was not "
            "audited: mount the drive or folder it points into, or fix or remove the link"
        )
    return f"cannot be looked at ({exc.strerror or exc}): check its permissions and those of the folder"
