"""A run that does not succeed leaves nothing staged on S3 either: its staging prefix goes, its target stays.

Against moto's S3 server (a real S3 protocol peer), reached through a catalog connection as a
user's job would reach a bucket.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from catalog.services.connections import create_connection
from jobs.models import Job, JobRun
from jobs.runs.reaper import reap
from jobs.runs.start import start_run
from jobs.runs.states import JOB_RUNS
from jobs.runs.stop import request_stop
from tests.runs import graphs
from tests.runs.conftest import states_of, wait_for

USER = {"kind": "user", "name": "ada"}
CONNECTION = "runs-s3"


@pytest.fixture
def bucket(s3_server: Any, db: None) -> str:
    name = s3_server.bucket("runs")
    create_connection(
        {
            "name": CONNECTION,
            "connection_type": "s3",
            "properties": s3_server.connection_properties(name),
            "secrets": s3_server.connection_secrets(),
        }
    )
    return str(name)


def s3_graph(bucket: str, endless: bool = False) -> dict[str, Any]:
    graph = graphs.endless() if endless else graphs.quick()
    save = next(node for node in graph["nodes"] if node["id"] == "save")
    save["params"].update({"path": f"s3://{bucket}/data/out", "connection": CONNECTION})
    return graph


def quiet(run: JobRun, worker: str = "w1@host") -> JobRun:
    """The run as a worker left it that died mid-run: RUNNING, its heartbeat a minute old."""
    run = JOB_RUNS.move(run, "RUNNING")
    JobRun.objects.filter(pk=run.pk).update(worker=worker, heartbeat_at=timezone.now() - timedelta(seconds=60))
    return JobRun.objects.get(pk=run.pk)


def test_a_reaped_run_s_s3_staging_is_removed_and_its_target_is_unchanged(
    lake: Path, s3_server: Any, bucket: str, make_job: Callable[..., Job]
) -> None:
    job = make_job(s3_graph(bucket))
    run = quiet(start_run(job, started_by=USER))
    s3_server.put(bucket, "data/out/old.parquet", b"the old output")
    s3_server.put(bucket, "data/elsewhere/keep.csv", b"a,b")
    mine = f"data/_glueweb_staging/run-{run.pk}"
    s3_server.put(bucket, f"{mine}/out/part-{run.pk}-0.parquet", b"half written")
    s3_server.put(bucket, f"{mine}/out/year=2026/part-{run.pk}-1.parquet", b"half written")
    other = f"data/_glueweb_staging/run-{run.pk + 1000}/out/part-0.parquet"  # another run's: not ours to remove
    s3_server.put(bucket, other, b"someone else's")

    assert [r.pk for r in reap()] == [run.pk]

    run.refresh_from_db()
    assert run.state == "ERROR" and run.error is not None and run.error["type"] == "worker_lost"
    assert s3_server.keys(bucket, mine + "/") == []
    assert s3_server.keys(bucket) == [other, "data/elsewhere/keep.csv", "data/out/old.parquet"]
    body = s3_server.client().get_object(Bucket=bucket, Key="data/out/old.parquet")["Body"].read()
    assert body == b"the old output"


def test_a_run_that_died_while_publishing_keeps_its_staging_for_a_person_to_recover(
    lake: Path, s3_server: Any, bucket: str, make_job: Callable[..., Job]
) -> None:
    job = make_job(s3_graph(bucket))
    run = quiet(start_run(job, started_by=USER))
    JobRun.objects.filter(pk=run.pk).update(publishing_at=timezone.now())
    aside = f"data/_glueweb_staging/run-{run.pk}/out.old/old.parquet"  # an overwrite's set-aside old file
    s3_server.put(bucket, aside, b"the old output")

    reap()

    assert JobRun.objects.get(pk=run.pk).state == "ERROR"
    assert s3_server.keys(bucket) == [aside]
    assert states_of(run) == ["STARTING", "RUNNING", "ERROR"]


@pytest.mark.usefixtures("worker")
def test_a_stopped_run_s_s3_staging_is_removed_by_its_worker(
    s3_server: Any, bucket: str, make_job: Callable[..., Job]
) -> None:
    job = make_job(s3_graph(bucket, endless=True))
    run = start_run(job, started_by=USER)
    wait_for(run, ["RUNNING"])
    staged = f"data/_glueweb_staging/run-{run.pk}/out/part-{run.pk}-0.parquet"
    s3_server.put(bucket, staged, b"what the sink had written")
    s3_server.put(bucket, "data/out/old.parquet", b"the old output")

    request_stop(JobRun.objects.get(pk=run.pk))
    wait_for(run, ["STOPPED"])

    assert s3_server.keys(bucket) == ["data/out/old.parquet"]
