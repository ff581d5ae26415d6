from __future__ import annotations

DASHBOARD = "dashboard"


def subject_group(kind: str, run_id: int) -> str:
    """The group of one run's (or crawl's) watchers."""
    return f"events.{kind}.{run_id}"


def groups_for(kind: str, run_id: int) -> list[str]:
    return [subject_group(kind, run_id), DASHBOARD]
