"""What the file-writing targets share: formats, the lazy sink, staging and the publisher for a location.

write_files and write_catalog_table both stage through `stage()`; `sink` and `prepare` are also
copied verbatim into exported scripts, so they import nothing of glueweb.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from jobs.engine.paths import is_remote, real_roots, resolve_local
from jobs.engine.publish import DeltaPublish, FilePublish, S3Publish, s3_staging_for, staging_for
from jobs.engine.registry import Context, NodeProblem
from jobs.engine.storage import S3Location, connection_options, polars_options, s3_location

FORMATS = ["parquet", "csv", "ndjson", "ipc", "delta"]
COMPRESSIONS = {
    "parquet": ["zstd", "snappy", "gzip", "lz4", "brotli", "uncompressed"],
    "delta": ["zstd", "snappy", "gzip", "lz4", "brotli", "uncompressed"],
    "ipc": ["zstd", "lz4", "uncompressed"],
    "csv": ["gzip", "zstd", "uncompressed"],
    "ndjson": ["gzip", "zstd", "uncompressed"],
}
MODES = ["overwrite", "append", "error_if_exists"]


def default_compression(fmt: str) -> str:
    return "zstd" if fmt in ("parquet", "ipc", "delta") else "uncompressed"


def check_compression(fmt: str, compression: str) -> None:
    if compression not in COMPRESSIONS[fmt]:
        raise NodeProblem(
            "params.compression", f'"{compression}" is not one of {", ".join(COMPRESSIONS[fmt])} for {fmt}'
        )


def check_delta_available() -> None:
    try:
        import deltalake  # noqa: F401
    except ImportError:
        raise NodeProblem("params.format", "delta needs the deltalake package, which is not installed") from None


def location(
    params: Mapping[str, Any], path: str, field: str = "params.path", *, writing: bool = True
) -> Path | S3Location:
    """A local folder inside the data roots, or an S3 location with the node's credentials.

    A folder written to must lie below a root or bucket (its staging place is beside it).
    """
    if is_remote(path):
        where = s3_location(params, path, field)
        if writing and not where.prefix:
            raise NodeProblem(field, "write into a folder inside the bucket, not the bucket itself")
        return where
    if params.get("connection") or params.get("storage_options"):
        raise NodeProblem("params.connection", "connection and storage_options apply to s3:// paths only")
    folder = resolve_local(path, field)
    if writing and str(folder) in real_roots():  # both real paths (resolve_local); the roots kept resolved
        # Staging happens beside the target folder, which must therefore lie inside a root too.
        raise NodeProblem(field, "write into a folder inside the data root, not the data root itself")
    return folder


def sink(  # noqa: PLR0917  (called positionally by exported scripts too)
    frame: pl.LazyFrame,
    folder: str,
    fmt: str,
    compression: str,
    partition_by: list[str],
    run_id: str,
    storage_options: dict[str, str] | None = None,
) -> pl.LazyFrame:
    """A lazy sink writing `part-<run id>-<n>.<ext>` files (hive folders when partitioned) into `folder`.

    Delta is staged as plain Parquet: the table's commit happens when the run publishes.
    """
    if fmt == "delta":
        fmt, partition_by = "parquet", []  # the keys stay inside the files; Delta partitions at commit
    ext = {"parquet": "parquet", "csv": "csv", "ndjson": "ndjson", "ipc": "arrow"}[fmt]
    if compression in ("gzip", "zstd") and fmt in ("csv", "ndjson"):
        ext += ".gz" if compression == "gzip" else ".zst"
    target: Any
    if partition_by:

        def file_path(args: Any) -> str:
            keys = args.partition_keys.row(0, named=True)
            dirs = "/".join(f"{k}={'__HIVE_DEFAULT_PARTITION__' if v is None else v}" for k, v in keys.items())
            return f"{dirs}/part-{run_id}-{args.index_in_partition}.{ext}"

        target = pl.PartitionBy(folder, key=partition_by, include_key=False, file_path_provider=file_path)
    else:
        if "://" not in folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
        target = f"{folder}/part-{run_id}-0.{ext}"
    codec: Any = compression
    options: dict[str, Any] = {"lazy": True, "mkdir": True, "storage_options": storage_options}
    if fmt == "parquet":
        return frame.sink_parquet(target, compression=codec, **options)
    if fmt == "ipc":
        return frame.sink_ipc(target, compression=codec, **options)
    if fmt == "csv":
        return frame.sink_csv(target, compression=codec, check_extension=False, **options)
    return frame.sink_ndjson(target, compression=codec, check_extension=False, **options)


def stage(  # noqa: PLR0917  (every property of a target)
    ctx: Context,
    frame: pl.LazyFrame,
    where: Path | S3Location,
    fmt: str,
    compression: str,
    partition_by: list[str],
    mode: str,
) -> tuple[pl.LazyFrame, Any]:
    """The sink into the target's staging place, and its publisher (appended to ctx.publishers)."""
    staging: FilePublish | S3Publish
    if isinstance(where, S3Location):
        staged_s3 = s3_staging_for(where, ctx.run_id)
        staging = S3Publish(ctx.node_id, where, staged_s3, mode, fmt)
        folder, options = staged_s3.uri, where.polars_options()
    else:
        staged = staging_for(where, ctx.run_id)
        staging = FilePublish(ctx.node_id, where, staged, mode, fmt)
        folder, options = str(staged), None
    publisher: Any = DeltaPublish(ctx.node_id, staging, mode, partition_by) if fmt == "delta" else staging
    publisher.precheck()
    ctx.publishers.append(publisher)
    return sink(frame, folder, fmt, compression, partition_by, ctx.run_id, options), publisher


def prepare(folder: str, mode: str) -> str:
    """The exported script's take on modes: no staging, but the same outcome for a run that succeeds."""
    import shutil
    from pathlib import Path

    path = Path(folder)
    if mode == "error_if_exists" and path.is_dir() and any(path.iterdir()):
        raise SystemExit(f"{folder} exists and is not empty (mode error_if_exists)")
    if mode == "overwrite" and path.exists():
        shutil.rmtree(path)
    return folder


def s3fs_for(storage_options: dict[str, str] | None) -> Any:
    """The exported script's S3 file system, from Polars-style storage options."""
    import s3fs  # only scripts that use S3 need it

    opts = storage_options or {}
    client = {"endpoint_url": opts.get("aws_endpoint_url"), "region_name": opts.get("aws_region")}
    return s3fs.S3FileSystem(
        key=opts.get("aws_access_key_id"),
        secret=opts.get("aws_secret_access_key"),
        token=opts.get("aws_session_token"),
        client_kwargs={k: v for k, v in client.items() if v},
    )


def prepare_s3(folder: str, mode: str, storage_options: dict[str, str] | None) -> str:
    """prepare() for an s3:// folder."""
    fs = s3fs_for(storage_options)
    root = folder.split("://", 1)[1]
    found = fs.find(root) if fs.exists(root) else []
    if mode == "error_if_exists" and found:
        raise SystemExit(f"{folder} exists and is not empty (mode error_if_exists)")
    if mode == "overwrite" and found:
        fs.rm(root, recursive=True)
    return folder


def export_folder(ctx: Any, path_source: str, resolved_path: str, mode_source: str, options_source: str) -> str:
    """Python source preparing the output folder in an exported script (S3 helpers only for s3:// paths)."""
    if is_remote(resolved_path):
        ctx.need(s3fs_for, prepare_s3)
        return f"prepare_s3({path_source}, {mode_source}, {options_source})"
    ctx.need(prepare)
    return f"prepare(local({path_source}), {mode_source})"


def write_delta(
    frame: pl.LazyFrame, folder: str, mode: str, partition_by: list[str], storage_options: dict[str, str] | None
) -> pl.LazyFrame:
    """The exported script's Delta write: one commit of the whole output, made at once (nothing left to sink)."""
    from deltalake import write_deltalake  # only scripts that write Delta need it

    modes = {"overwrite": "overwrite", "append": "append", "error_if_exists": "error"}
    options = {k.upper(): v for k, v in (storage_options or {}).items()} or None
    write: Any = write_deltalake  # its overloads split `overwrite` from the other modes
    write(
        folder,
        frame.collect().to_arrow(),
        mode=modes[mode],
        partition_by=partition_by or None,
        storage_options=options,
        schema_mode="overwrite" if mode == "overwrite" else None,
    )
    return pl.LazyFrame()


def s3_secrets_from_env() -> dict[str, str]:
    """The exported script's S3 secrets: taken from the environment, never written into the script."""
    import os

    names = {"aws_secret_access_key": "AWS_SECRET_ACCESS_KEY", "aws_session_token": "AWS_SESSION_TOKEN"}
    return {key: os.environ[var] for key, var in names.items() if os.environ.get(var)}


def export_storage_options(params: Mapping[str, Any]) -> str:
    """Python source of the script's storage options: secrets of a connection come from the environment."""
    if params.get("storage_options"):
        return repr(polars_options(params["storage_options"]))
    if params.get("connection"):
        public = {k: v for k, v in connection_options(params["connection"]).items() if "secret" not in k}
        public.pop("session_token", None)
        shown = repr(polars_options(public) or {})
        return f"{{**{shown}, **s3_secrets_from_env()}}"
    return "None"
