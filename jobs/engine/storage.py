"""Object storage (s3://) for targets: credentials from a catalog connection or from storage options.

One S3 location is described once (`S3Location`) and handed to each library in its own
dialect: Polars' object_store keys, deltalake's, and s3fs' keyword arguments for listing,
copying and deleting at publish time. s3fs and deltalake are imported only when used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from catalog.storage import S3Options
from jobs.engine.registry import NodeProblem

# What a graph may give as `storage_options` (secrets are better kept in a connection).
STORAGE_OPTION_KEYS = ("endpoint_url", "region", "access_key_id", "secret_access_key", "session_token")
STORAGE_OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {key: {"type": "string", "minLength": 1} for key in STORAGE_OPTION_KEYS},
    "additionalProperties": False,
}


@dataclass(frozen=True)
class S3Location:
    """A bucket and key prefix with the options to reach it (empty options: the worker's AWS defaults)."""

    bucket: str
    prefix: str
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    def child(self, *parts: str) -> S3Location:
        prefix = "/".join(p.strip("/") for p in (self.prefix, *parts) if p.strip("/"))
        return S3Location(self.bucket, prefix, self.options)

    def parent(self) -> S3Location:
        return S3Location(self.bucket, self.prefix.rsplit("/", 1)[0] if "/" in self.prefix else "", self.options)

    @property
    def name(self) -> str:
        return self.prefix.rsplit("/", 1)[-1]

    def polars_options(self) -> dict[str, str] | None:
        return polars_options(self.options)

    def delta_options(self) -> dict[str, str] | None:
        return {k.upper(): v for k, v in (polars_options(self.options) or {}).items()} or None

    def filesystem(self) -> Any:
        return s3_filesystem(self.options)


def polars_options(options: Mapping[str, str]) -> dict[str, str] | None:
    """object_store keys, as Polars' scans and sinks (and deltalake, upper-cased) take them."""
    return S3Options.from_mapping(options).polars_storage_options()


def s3_filesystem(options: Mapping[str, str]) -> Any:
    return S3Options.from_mapping(options).filesystem()


def split_uri(uri: str, field: str = "params.path") -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise NodeProblem(field, f'"{uri}": only local paths and s3:// URIs are supported')
    bucket, _, prefix = uri[len("s3://") :].partition("/")
    if not bucket:
        raise NodeProblem(field, "an s3:// path needs a bucket")
    if ".." in prefix.split("/"):
        raise NodeProblem(field, f'path "{uri}" may not contain ".."')
    return bucket, prefix.strip("/")


def connection_options(name: str, field: str = "params.connection") -> dict[str, str]:
    """Storage options from a catalog connection of type s3 (its secrets decrypted here, never exported)."""
    from catalog.models import Connection
    from catalog.services.connections import connection_secrets

    connection = Connection.objects.filter(name=name).first()
    if connection is None:
        raise NodeProblem(field, f'no catalog connection is named "{name}"')
    if connection.connection_type != "s3":
        raise NodeProblem(field, f'connection "{name}" is of type {connection.connection_type}, not s3')
    props = connection.properties
    options = {
        "endpoint_url": props.get("endpoint_url", ""),
        "region": props.get("region", ""),
        "access_key_id": props.get("access_key_id", ""),
    }
    try:
        secrets = connection_secrets(connection)
    except ValueError as exc:
        raise NodeProblem(field, str(exc)) from None
    options.update({k: v for k, v in secrets.items() if k in ("secret_access_key", "session_token")})
    return {k: v for k, v in options.items() if v}


def s3_location(params: Mapping[str, Any], uri: str, field: str = "params.path") -> S3Location:
    """The S3 location of `uri` with the node's `connection` or `storage_options` (not both)."""
    bucket, prefix = split_uri(uri, field)
    if params.get("connection") and params.get("storage_options"):
        raise NodeProblem("params.connection", "give a connection or storage_options, not both")
    options: dict[str, str] = {}
    if params.get("connection"):
        options = connection_options(params["connection"])
    elif params.get("storage_options"):
        options = dict(params["storage_options"])
    return S3Location(bucket, prefix, options)
