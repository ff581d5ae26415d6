"""The run's child process asks before publishing (run_graph's `before_publish`), and "stop" publishes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from jobs.runs.child import EXIT_ABANDONED, child_main
from jobs.runs.execute import CHILD_SETTINGS, run_context
from tests.runs import graphs


def run_child(answer: str) -> tuple[list[tuple[Any, ...]], int | None]:
    """Run graphs.quick() in a real child process, answering its publishing question with `answer`."""
    context = run_context()
    conn, child_conn = context.Pipe()
    lifeline_read, lifeline_write = context.Pipe(duplex=False)
    overrides = {"settings": {name: getattr(settings, name) for name in CHILD_SETTINGS}}
    process = context.Process(
        target=child_main, args=(child_conn, lifeline_read, graphs.quick(), {}, "gate-test", overrides)
    )
    process.start()
    child_conn.close()
    lifeline_read.close()
    messages: list[tuple[Any, ...]] = []
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                break
            messages.append(message)
            if message[0] == "publishing":
                conn.send(answer)
            if message[0] == "result":
                break
        process.join(30)
        return messages, process.exitcode
    finally:
        if process.is_alive():
            process.kill()
        lifeline_write.close()
        conn.close()


def test_a_stop_answered_to_the_gate_ends_the_child_with_nothing_published(lake: Path) -> None:
    messages, exitcode = run_child("stop")
    kinds = [m[0] for m in messages]
    assert "publishing" in kinds and "result" not in kinds
    assert exitcode == EXIT_ABANDONED
    assert not (lake / "out").exists()
    assert not (lake / "_glueweb_staging").exists()


def test_go_publishes_and_the_child_reports_progress_before_asking(lake: Path) -> None:
    messages, exitcode = run_child("go")
    kinds = [m[0] for m in messages]
    assert kinds.index("progress") < kinds.index("publishing") < kinds.index("result")
    assert exitcode == 0
    result = messages[-1][1]
    assert result.succeeded and (lake / "out").is_dir()
    # The last progress before publishing: every node done except the target, which is about to publish.
    last = {p.node: p.state for m in messages if m[0] == "progress" for p in m[1]}
    assert last == {"numbers": "SUCCEEDED", "big": "SUCCEEDED", "save": "RUNNING"}
