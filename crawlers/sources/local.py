"""Local folders inside the configured data roots (catalog/paths.py decides what is inside)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from catalog.paths import data_roots, resolve_local
from crawlers.sources import FileEntry, Skipped, hidden, join


class LocalSource:
    def __init__(self, target: str) -> None:
        self.target = target
        # Refuses `..`, paths outside the roots, and links that lead outside (ValidationError).
        self.root = resolve_local(target, "targets")
        self.single = self.root.is_file()
        self.roots = data_roots()
        self.links: set[str] = set()  # files listed through a symbolic link (that stays inside the roots)

    def _inside(self, real: Path) -> bool:
        return any(real == root or real.is_relative_to(root) for root in self.roots)

    def list(self) -> Iterator[FileEntry | Skipped]:
        if self.root.is_file():
            stat = self.root.stat()
            yield FileEntry(self.root.name, stat.st_size, str(stat.st_mtime_ns))
            return
        if not self.root.is_dir():
            raise FileNotFoundError(f'the target "{self.target}" does not exist')
        stack = [("", str(self.root))]
        while stack:
            relative_dir, directory = stack.pop()
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as exc:
                yield Skipped(relative_dir, f"cannot list the folder: {exc.strerror}")
                continue
            subfolders = []
            for entry in entries:
                if hidden(entry.name):
                    continue
                relative = join(relative_dir, entry.name)
                if entry.is_symlink():
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
                    subfolders.append((relative, entry.path))
                elif entry.is_file():
                    stat = entry.stat()
                    yield FileEntry(relative, stat.st_size, str(stat.st_mtime_ns))
            stack.extend(reversed(subfolders))

    def _path(self, relative: str) -> str:
        return str(self.root) if self.single else os.path.join(self.root, relative)

    def open(self, relative: str) -> IO[bytes]:
        path = self._path(relative)
        if relative not in self.links:
            # Listed as a plain file: refuse it if it became a link since (O_NOFOLLOW), without the
            # cost of resolving the whole path for every file.
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            return os.fdopen(fd, "rb")
        real = Path(os.path.realpath(path))
        if not self._inside(real):
            raise PermissionError("the file lies outside the data roots")
        return open(real, "rb")

    def location(self, relative_folder: str) -> str:
        if self.root.is_file():
            return str(self.root)
        return join(str(self.root), relative_folder)
