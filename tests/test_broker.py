"""The embedded broker (glueweb/broker.py): every message is delivered whole, exactly once,
while producers and several consumers work on one folder at the same time."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from kombu import Connection

from glueweb import broker


def _connection(folder: Path) -> Connection:
    broker.register()
    return Connection(
        "glueweb-fs://",
        transport_options={
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        },
    )


def test_concurrent_producers_and_consumers_each_message_arrives_once_and_whole(tmp_path: Path) -> None:
    for sub in ("queue", "control"):
        (tmp_path / sub).mkdir()
    sent = [{"n": n, "body": "x" * (n % 97) * 50} for n in range(600)]
    received: list[dict[str, object]] = []
    errors: list[BaseException] = []
    done_producing = threading.Event()
    lock = threading.Lock()

    def produce(part: list[dict[str, object]]) -> None:
        with _connection(tmp_path) as conn:
            q = conn.SimpleQueue("work")
            for message in part:
                q.put(message)
            q.close()

    def consume() -> None:
        # Every consumer keeps taking until all messages arrived (a consumer that left early
        # would hand back what it had prefetched, to nobody); it gives up only after a long
        # quiet spell, so a lost message fails the test instead of hanging it.
        try:
            with _connection(tmp_path) as conn:
                q = conn.SimpleQueue("work")
                quiet = 0
                while True:
                    with lock:
                        if len(received) >= len(sent):
                            break
                    try:
                        message = q.get(block=True, timeout=0.2)
                    except queue.Empty:
                        quiet = quiet + 1 if done_producing.is_set() else 0
                        if quiet > 150:
                            break
                        continue
                    quiet = 0
                    message.ack()
                    with lock:
                        received.append(message.payload)
                q.close()
        except BaseException as exc:  # a torn message used to surface here as a JSON error
            errors.append(exc)

    consumers = [threading.Thread(target=consume) for _ in range(3)]
    producers = [threading.Thread(target=produce, args=(sent[i::2],)) for i in range(2)]
    for thread in consumers + producers:
        thread.start()
    for thread in producers:
        thread.join()
    done_producing.set()
    for thread in consumers:
        thread.join()

    assert errors == []
    assert sorted(m["n"] for m in received) == list(range(600))  # type: ignore[type-var]
    assert {m["n"]: m for m in received} == {m["n"]: m for m in sent}
    assert list((tmp_path / "queue").iterdir()) == []
    assert list((tmp_path / "claimed").iterdir()) == []


def test_bindings_declared_while_others_publish_never_lose_a_message(tmp_path: Path) -> None:
    """Each round, several connections declare a new queue and publish at once: every message
    must be routed (kombu's own transport truncated the exchange table while binding, so a
    publisher could find no queue and drop its message)."""
    for sub in ("queue", "control"):
        (tmp_path / sub).mkdir()
    errors: list[BaseException] = []
    rounds, threads = 25, 4

    def declare_and_publish(name: str, n: int, start: threading.Barrier) -> None:
        try:
            with _connection(tmp_path) as conn:
                start.wait()
                q = conn.SimpleQueue(name)
                q.put({"n": n})
                q.close()
        except BaseException as exc:
            errors.append(exc)

    for round_ in range(rounds):
        name = f"work{round_}"
        start = threading.Barrier(threads)
        workers = [threading.Thread(target=declare_and_publish, args=(name, n, start)) for n in range(threads)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()

    assert errors == []
    for round_ in range(rounds):
        stored = [p for p in (tmp_path / "queue").iterdir() if p.name.endswith(f".work{round_}.msg")]
        assert len(stored) == threads, f"round {round_}: {len(stored)} of {threads} messages were routed"


def test_a_message_sent_before_any_folder_exists_arrives(tmp_path: Path) -> None:
    home = tmp_path / "fresh"  # nothing made yet: no queue, no control folder
    # A queue name no other test declares: kombu keeps declared bindings process-wide.
    with _connection(home) as conn:
        q = conn.SimpleQueue("fresh")
        q.put({"n": 1})
        q.close()
    with _connection(home) as conn:
        q = conn.SimpleQueue("fresh")
        message = q.get(block=True, timeout=5)
        message.ack()
        q.close()
    assert message.payload == {"n": 1}
