"""S3 access from a catalog Connection: one place that turns its properties and secrets into
clients, for the catalog's preview and connection test, crawlers and job targets.

An s3 connection holds `endpoint_url`, `region` and `access_key_id` as properties and
`secret_access_key` and `session_token` as encrypted secrets. Without a connection the
standard AWS environment (variables, ~/.aws) applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from catalog.models import Connection


@dataclass(frozen=True)
class S3Options:
    endpoint_url: str = ""
    region: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""
    session_token: str = ""

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> S3Options:
        """From flat options (a node's storage options, a connection's properties and secrets merged)."""
        return cls(**{name: str(options.get(name) or "") for name in cls.__dataclass_fields__})

    @classmethod
    def from_connection(cls, connection: Connection | None) -> S3Options:
        if connection is None:
            return cls()
        from catalog.services.connections import connection_secrets

        return cls.from_mapping({**connection.properties, **connection_secrets(connection)})

    def filesystem(self, **extra: Any) -> Any:
        """An s3fs filesystem; listings are not cached, so a crawl or a run sees what is there now."""
        import s3fs

        client_kwargs = {k: v for k, v in (("endpoint_url", self.endpoint_url), ("region_name", self.region)) if v}
        kwargs: dict[str, Any] = {"client_kwargs": client_kwargs, "use_listings_cache": False, **extra}
        if self.access_key_id:
            kwargs["key"] = self.access_key_id
        if self.secret_access_key:
            kwargs["secret"] = self.secret_access_key
        if self.session_token:
            kwargs["token"] = self.session_token
        return s3fs.S3FileSystem(**kwargs)

    def polars_storage_options(self) -> dict[str, str] | None:
        """Options for Polars' own object-store reader and writer (scan_parquet(..., storage_options=...))."""
        names = {
            "endpoint_url": "aws_endpoint_url",
            "region": "aws_region",
            "access_key_id": "aws_access_key_id",
            "secret_access_key": "aws_secret_access_key",
            "session_token": "aws_session_token",
        }
        result = {names[k]: getattr(self, k) for k in names if getattr(self, k)}
        if self.endpoint_url.startswith("http://"):
            result["aws_allow_http"] = "true"
        return result or None


def split_s3_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/a/b/` -> ("bucket", "a/b")."""
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    return bucket, prefix.strip("/")
