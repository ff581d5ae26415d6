"""The embedded default's Celery broker: kombu's filesystem transport, made safe.

kombu's own transport creates a message file empty and fills it afterwards, so a
worker polling the folder can claim the file in between and crash decoding an
empty message; and it claims files by moving them to the system temp folder,
which is a copy (not atomic) when that is another file system, so two workers
could both take one message. Here a message is written under a temporary name
and renamed into the queue only when complete, and a worker claims it with an
atomic rename inside the broker folder: exactly one claimant wins.
"""

from __future__ import annotations

import fcntl
import os
import threading
import uuid
from pathlib import Path
from queue import Empty
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads
from kombu.utils.objects import cached_property

SCHEME = "glueweb-fs"
# Names that do not end in ".msg" are never read as messages by any queue.
_PARTIAL_SUFFIX = ".partial"
# kombu keeps declared bindings in a process-wide state and skips a binding it already holds,
# before the first declarer has written the table: a second thread could publish in between.
_BIND_LOCK = threading.Lock()


class Channel(filesystem.Channel):
    # The message folders are made by whichever process first sends or receives, as the
    # claimed and control folders are: a sender on a fresh GLUEWEB_HOME (a command run before
    # any server or worker started) would otherwise lose its message.
    @cached_property
    def data_folder_in(self) -> str:
        return _made(self.transport_options.get("data_folder_in", "data_in"))

    @cached_property
    def data_folder_out(self) -> str:
        return _made(self.transport_options.get("data_folder_out", "data_out"))

    @cached_property
    def claimed_folder(self) -> Path:
        folder = Path(self.data_folder_in).parent / "claimed"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    # kombu's stubs disagree with themselves on this signature; this one matches filesystem.Channel.
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = Path(self.data_folder_out) / name
        partial = final.with_name(name + _PARTIAL_SUFFIX)
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise ChannelError(f"Cannot add file {str(final)!r} to directory") from exc

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        wanted = f"{queue}.msg"
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.partition(".")[2] != wanted:
                continue
            claimed = self.claimed_folder / f"{os.getpid()}-{name}"
            try:
                os.rename(os.path.join(self.data_folder_in, name), claimed)
            except FileNotFoundError:
                continue  # another worker claimed it first
            try:
                payload = claimed.read_bytes()
            finally:
                claimed.unlink(missing_ok=True)
            return loads(bytes_to_str(payload))
        raise Empty()

    def _table_file(self, exchange: str) -> Path:
        # kombu's own path check: it refuses names that would lead out of the control folder.
        file: Path = filesystem.Channel._exchange_file(self, exchange)  # type: ignore[attr-defined]
        return file

    def get_table(self, exchange: str) -> list[Any]:
        try:
            text = self._table_file(exchange).read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise ChannelError(f"Cannot open the table of exchange {exchange!r}") from exc
        return [filesystem.exchange_queue_t(*q) for q in loads(bytes_to_str(text))]

    def queue_bind(self, *args: Any, **kwargs: Any) -> None:
        with _BIND_LOCK:
            super().queue_bind(*args, **kwargs)

    def _queue_bind(self, exchange: str, routing_key: str, pattern: str | None, queue: str) -> None:
        table_file = self._table_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        try:
            with open(table_file.with_name(table_file.name + ".lock"), "a") as lock_file:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)  # one binder at a time
                queues = self.get_table(exchange)
                if binding in queues:
                    return
                partial = table_file.with_name(f"{table_file.name}.{uuid.uuid4().hex}{_PARTIAL_SUFFIX}")
                partial.write_bytes(str_to_bytes(dumps([binding, *queues])))
                os.replace(partial, table_file)
        except OSError as exc:
            raise ChannelError(f"Cannot write the table of exchange {exchange!r}") from exc


def _made(folder: str) -> str:
    Path(folder).mkdir(parents=True, exist_ok=True)
    return folder


# Celery's loop for transports without asynchronous I/O (its synloop, which this one gets) waits
# for messages in slices of 2 s and looks whether the worker should stop only between slices: a
# stopped worker (Ctrl-C) went on waiting for up to two of them. Shorter slices cost nothing: the
# channel still looks at the queue every polling_interval within a slice.
STOP_CHECK_SECONDS = 0.2


class Transport(filesystem.Transport):
    Channel = Channel

    def drain_events(self, connection: Any, timeout: float | None = None, **kwargs: Any) -> None:
        # An unbounded wait (None) keeps its meaning.
        super().drain_events(connection, timeout=None if timeout is None else min(timeout, STOP_CHECK_SECONDS))


def register() -> None:
    """Make `glueweb-fs://` a broker URL kombu understands, in this process."""
    TRANSPORT_ALIASES.setdefault(SCHEME, f"{__name__}:Transport")
