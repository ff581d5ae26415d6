"""Local folders inside the configured data roots (catalog/paths.py decides what is inside)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from catalog.paths import data_roots, resolve_local
from crawlers.sources import FileEntry, Skipped, hidden, join


class LocalSource:
    def __init__(self, target: str) -> None:
        self.target = target
        # Refuses `..`, paths outside the roots, and links that lead outside (ValidationError).
        self.root = resolve_local(target, "targets")
        self.root_text = str(self.root)
        self.single = self.root.is_file()
        self.roots = data_roots()
        self.links: set[str] = set()  # files listed through a symbolic link (that stays inside the roots)
        # CRAWL_NEW_FOLDERS_ONLY (remember_leaves): leaf folders' listings, {folder: [stamp, [[name, size,
        # stamp], ...]]}, those of the last crawl (given) and of this one (kept).
        self.given_leaves: dict[str, list[Any]] | None = None
        self.leaves: dict[str, list[Any]] = {}
        self.reused = 0  # leaf folders not listed: unchanged since the last crawl

    def remember_leaves(self, given: dict[str, list[Any]]) -> None:
        """Take the listing of a leaf folder whose stamp (mtime) is unchanged from `given`, not the disk.

        Adding or removing anything in a folder (a file, a subfolder) changes the folder's mtime, so
        an unchanged leaf holds the same names as before, and no new folder can hide below it. A
        file rewritten in place does not change it: hence for CRAWL_NEW_FOLDERS_ONLY only, which
        never reads a folder seen before anyway.
        """
        self.given_leaves = given

    def _inside(self, real: Path) -> bool:
        return any(real == root or real.is_relative_to(root) for root in self.roots)

    def list(self) -> Iterator[FileEntry | Skipped]:  # noqa: PLR0912  (one branch per kind of entry)
        if self.root.is_file():
            stat = self.root.stat()
            yield FileEntry(self.root.name, stat.st_size, str(stat.st_mtime_ns))
            return
        if not self.root.is_dir():
            raise FileNotFoundError(f'the target "{self.target}" does not exist')
        given = self.given_leaves
        stack: list[tuple[str, str, str]] = [("", str(self.root), "")]
        while stack:
            relative_dir, directory, stamp = stack.pop()
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as exc:
                yield Skipped(relative_dir, f"cannot list the folder: {exc.strerror}")
                continue
            subfolders = []
            files: list[list[Any]] | None = []  # this folder's listing, while it can be remembered
            for entry in entries:
                if hidden(entry.name):
                    continue
                relative = join(relative_dir, entry.name)
                if entry.is_symlink():
                    files = None  # links are checked afresh at every crawl
                    # A link is followed only when it stays inside the data roots.
                    real = Path(os.path.realpath(entry.path))
                    if not self._inside(real):
                        yield Skipped(relative, "a symbolic link that leads outside the data roots")
                        continue
                    if real.is_dir():
                        yield Skipped(relative, "a symbolic link to a folder (not followed)")
                        continue
                    self.links.add(relative)
                if entry.is_dir(follow_symlinks=False):
                    # The stamp is taken before the folder is listed: a change during the listing shows next time.
                    sub_stamp = str(entry.stat(follow_symlinks=False).st_mtime_ns) if given is not None else ""
                    known = given.get(relative) if given is not None else None
                    if known is not None and known[0] == sub_stamp:
                        self.leaves[relative] = known
                        self.reused += 1
                        for name, size, file_stamp in known[1]:
                            yield FileEntry(join(relative, name), size, file_stamp)
                        continue
                    subfolders.append((relative, entry.path, sub_stamp))
                elif entry.is_file():
                    stat = entry.stat()
                    yield FileEntry(relative, stat.st_size, str(stat.st_mtime_ns))
                    if files is not None:
                        files.append([entry.name, stat.st_size, str(stat.st_mtime_ns)])
            if given is not None and relative_dir and not subfolders and files is not None:
                self.leaves[relative_dir] = [stamp, files]
            stack.extend(reversed(subfolders))

    def _path(self, relative: str) -> str:
        return self.root_text if self.single else self.root_text + os.sep + relative

    def _descriptor(self, relative: str) -> int:
        path = self._path(relative)
        if relative not in self.links:
            # Listed as a plain file: refuse it if it became a link since (O_NOFOLLOW), without the
            # cost of resolving the whole path for every file.
            return os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        real = Path(os.path.realpath(path))
        if not self._inside(real):
            raise PermissionError("the file lies outside the data roots")
        return os.open(real, os.O_RDONLY)

    def open(self, relative: str) -> IO[bytes]:
        return os.fdopen(self._descriptor(relative), "rb")

    def read(self, relative: str, size: int) -> bytes:
        # No file object: for a small file its set-up cost more than the read itself.
        fd = self._descriptor(relative)
        try:
            return os.read(fd, size)
        finally:
            os.close(fd)

    def location(self, relative_folder: str) -> str:
        if self.root.is_file():
            return str(self.root)
        return join(str(self.root), relative_folder)
