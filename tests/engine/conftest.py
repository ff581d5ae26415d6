from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def lake(settings: Any, tmp_path: Path) -> Path:
    """A private GLUEWEB_HOME whose lake/ is the only data root."""
    root = tmp_path / "lake"
    root.mkdir()
    settings.GLUEWEB_HOME = tmp_path
    settings.DATA_ROOTS = [root.resolve()]
    return root


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 (a free port), for the whole session: its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server: str) -> Iterator[dict[str, str]]:
    """A fresh bucket; the storage options a node needs to reach it."""
    import uuid

    import boto3

    name = f"b-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=s3_server, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket=name)
    yield {
        "bucket": name,
        "endpoint_url": s3_server,
        "region": "us-east-1",
        "access_key_id": "test",
        "secret_access_key": "test",
    }
