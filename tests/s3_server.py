"""A real S3 protocol peer for the tests: moto's server on 127.0.0.1, one per test session.

Use the `s3_server` fixture (tests/conftest.py): it yields an S3Server whose endpoint and
keys go into a glueweb s3 connection exactly as a user's would; `bucket()` makes a fresh,
empty bucket so tests never see each other's objects.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
REGION = "us-east-1"


@dataclass
class S3Server:
    endpoint_url: str

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def bucket(self, prefix: str = "t") -> str:
        name = f"{prefix}-{secrets.token_hex(6)}"
        self.client().create_bucket(Bucket=name)
        return name

    def put(self, bucket: str, key: str, body: bytes) -> None:
        self.client().put_object(Bucket=bucket, Key=key, Body=body)

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def connection_properties(self, bucket: str) -> dict[str, str]:
        """What a user types into an s3 connection's form (the secret goes in `secrets`)."""
        return {"bucket": bucket, "endpoint_url": self.endpoint_url, "region": REGION, "access_key_id": ACCESS_KEY}

    def connection_secrets(self) -> dict[str, str]:
        return {"secret_access_key": SECRET_KEY}


def run_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield S3Server(f"http://{host}:{port}")
    finally:
        server.stop()
