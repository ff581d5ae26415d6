"""write_files: Parquet, CSV, NDJSON or IPC files in a local folder, staged until the run succeeds.

Delta needs the `deltalake` package, which is not installed; the catalog update
(`catalog_update` other than `none`) needs catalog services that do not exist
yet. Both are refused at validation, naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from jobs.engine.nodeutil import columns_schema, obj, require_columns, the_input
from jobs.engine.paths import is_remote, resolve_local
from jobs.engine.publish import FilePublish, staging_for
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register

FORMATS = ["parquet", "csv", "ndjson", "ipc"]
COMPRESSIONS = {
    "parquet": ["zstd", "snappy", "gzip", "lz4", "brotli", "uncompressed"],
    "ipc": ["zstd", "lz4", "uncompressed"],
    "csv": ["gzip", "zstd", "uncompressed"],
    "ndjson": ["gzip", "zstd", "uncompressed"],
}


def default_compression(fmt: str) -> str:
    return "zstd" if fmt in ("parquet", "ipc") else "uncompressed"


def sink(  # noqa: PLR0917  (called positionally by exported scripts too)
    frame: pl.LazyFrame, folder: str, fmt: str, compression: str, partition_by: list[str], run_id: str
) -> pl.LazyFrame:
    """A lazy sink writing `part-<run id>-<n>.<ext>` files (hive folders when partitioned) into `folder`."""
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
        Path(folder).mkdir(parents=True, exist_ok=True)
        target = f"{folder}/part-{run_id}-0.{ext}"
    codec: Any = compression
    if fmt == "parquet":
        return frame.sink_parquet(target, compression=codec, lazy=True, mkdir=True)
    if fmt == "ipc":
        return frame.sink_ipc(target, compression=codec, lazy=True, mkdir=True)
    if fmt == "csv":
        return frame.sink_csv(target, compression=codec, check_extension=False, lazy=True, mkdir=True)
    return frame.sink_ndjson(target, compression=codec, check_extension=False, lazy=True, mkdir=True)


@register
class WriteFiles(NodeType):
    key = "write_files"
    label = "Files"
    category = "targets"
    glue = "Amazon S3 target"
    outputs = ()
    params_schema = obj(
        {
            "path": {"type": "string", "minLength": 1},
            "format": {"enum": [*FORMATS, "delta"], "default": "parquet"},
            "compression": {"enum": sorted({c for cs in COMPRESSIONS.values() for c in cs})},
            "partition_by": columns_schema(0, default=[]),
            "mode": {"enum": ["overwrite", "append", "error_if_exists"], "default": "error_if_exists"},
            "catalog_update": {"enum": ["none", "create_or_update", "add_partitions_only"], "default": "none"},
            "database": {"type": "string", "minLength": 1},
            "table": {"type": "string", "minLength": 1},
        },
        ["path"],
    )

    def location(self, params: Mapping[str, Any]) -> Path:
        if is_remote(params["path"]):
            raise NodeProblem("params.path", "writing to object stores is not available yet; use a local folder")
        return resolve_local(params["path"])

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        fmt = params.get("format", "parquet")
        if fmt == "delta":
            raise NodeProblem("params.format", "delta needs the deltalake package, which is not installed")
        compression = params.get("compression", default_compression(fmt))
        if compression not in COMPRESSIONS[fmt]:
            raise NodeProblem(
                "params.compression", f'"{compression}" is not one of {", ".join(COMPRESSIONS[fmt])} for {fmt}'
            )
        if params.get("catalog_update", "none") != "none":
            raise NodeProblem("params.catalog_update", "updating the catalog from write_files is not available yet")
        schema = the_input(inputs)
        require_columns(schema, params.get("partition_by", []), "params.partition_by")
        if params.get("partition_by") and set(params["partition_by"]) >= set(schema.names()):
            raise NodeProblem("params.partition_by", "at least one column must remain inside the files")
        self.location(params)

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        self.check(params, inputs)
        return {}

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        fmt = params.get("format", "parquet")
        target = self.location(params)
        staged = staging_for(target, ctx.run_id)
        publisher = FilePublish(ctx.node_id, target, staged, params.get("mode", "error_if_exists"), fmt)
        publisher.precheck()
        ctx.publishers.append(publisher)
        return sink(
            the_input(inputs), str(staged), fmt, params.get("compression", default_compression(fmt)),
            params.get("partition_by", []), ctx.run_id,
        )  # fmt: skip

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        # The exported script writes straight into the folder (mode handled by `prepare`).
        ctx.need(sink, prepare)
        fmt = params.get("format", "parquet")

        def arg(name: str, default: Any) -> str:
            return ctx.lit(name) if name in ctx.raw_params else repr(default)

        compression = arg("compression", default_compression(fmt))
        mode, partition_by = arg("mode", "error_if_exists"), arg("partition_by", [])
        folder = f"prepare(local({ctx.lit('path')}), {mode})"
        return f"sink({inputs['in']}, {folder}, {arg('format', fmt)}, {compression}, {partition_by}, RUN_ID)"


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
