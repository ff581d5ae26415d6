"""Publishing local folders (jobs/engine/publish.FilePublish): all targets land, or none does.

A target folder that does not exist yet (or that `overwrite` has just moved aside) receives the
whole staged folder in one rename; an existing folder (append) receives file by file. Either way a
failure after some targets moved puts everything back as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs.engine.publish import STAGING_DIR, FilePublish, publish_all, staging_for


def staged(target: Path, run_id: str, files: dict[str, str], mode: str = "overwrite") -> FilePublish:
    folder = staging_for(target, run_id)
    for relative, text in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text)
    return FilePublish(node=target.name, target=target, staged=folder, mode=mode)


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def fail(outputs: dict[str, list[str]]) -> None:
    raise RuntimeError("the catalog refused")


def test_a_new_folder_gets_every_staged_file_and_the_staging_is_removed(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "out"
    files = {"part-0.parquet": "a", "k=1/part-1.parquet": "b"}
    outputs = publish_all([staged(target, "r1", files)])
    assert tree(target) == files
    assert sorted(outputs["out"]) == sorted(str(target / f) for f in files)
    assert not (tmp_path / "deep" / "er" / STAGING_DIR).exists()


def test_overwrite_replaces_the_folder_and_append_adds_to_it(tmp_path: Path) -> None:
    target = tmp_path / "out"
    publish_all([staged(target, "r1", {"a.parquet": "1"})])
    publish_all([staged(target, "r2", {"b.parquet": "2"}, mode="append")])
    assert tree(target) == {"a.parquet": "1", "b.parquet": "2"}
    publish_all([staged(target, "r3", {"c.parquet": "3"})])
    assert tree(target) == {"c.parquet": "3"}
    assert not (tmp_path / STAGING_DIR).exists()


def test_a_failure_after_the_moves_puts_every_target_back(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "old.parquet").write_text("old")
    added = tmp_path / "added"
    added.mkdir()
    (added / "old.parquet").write_text("old")
    new = tmp_path / "new" / "out"
    publishers = [
        staged(kept, "r1", {"x.parquet": "x"}),  # overwrite: old folder aside, staged folder renamed in
        staged(added, "r1", {"y.parquet": "y"}, mode="append"),  # file by file
        staged(new, "r1", {"z.parquet": "z", "k=1/w.parquet": "w"}),  # renamed in, parents made
    ]
    with pytest.raises(RuntimeError, match="the catalog refused"):
        publish_all(publishers, then=fail)
    assert tree(kept) == {"old.parquet": "old"}
    assert tree(added) == {"old.parquet": "old"}
    assert not new.exists()
    assert list(new.parent.iterdir()) == []  # its staging gone too (the folder holding it was made for it)
    assert not (tmp_path / STAGING_DIR).exists()


def test_a_target_that_appeared_as_a_file_is_refused_and_nothing_moves(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    publishers = [staged(first, "r1", {"a.parquet": "a"}), staged(second, "r1", {"b.parquet": "b"}, mode="append")]
    second.mkdir()
    (second / "b.parquet").write_text("someone else's")
    with pytest.raises(FileExistsError, match="already exists"):
        publish_all(publishers)
    assert not first.exists()
    assert tree(second) == {"b.parquet": "someone else's"}
