"""read_files: scan files (csv, tsv, json, ndjson, parquet, ipc, excel, avro) from a local folder or s3://.

On s3:// the credentials are the node's `connection` (an s3 catalog connection, secrets decrypted
only here) or `storage_options`, else the worker's standard AWS credentials; exported scripts
take a connection's secrets from the environment instead.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl
import polars.selectors as cs

from catalog import parquet_footer
from jobs.engine import scans
from jobs.engine.nodeutil import obj
from jobs.engine.paths import is_remote, resolve_local
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register
from jobs.engine.storage import STORAGE_OPTIONS_SCHEMA, s3_location
from jobs.engine.targets import export_storage_options, s3_secrets_from_env, s3fs_for

FORMATS = ["csv", "tsv", "json", "ndjson", "parquet", "ipc", "excel", "avro"]
# Which options apply to which format: anything else is an error (docs/node-catalog.md).
OPTION_FORMATS = {
    "separator": {"csv", "tsv"},
    "has_header": {"csv", "tsv", "excel"},
    "quote_char": {"csv", "tsv"},
    "encoding": {"csv", "tsv"},
    "null_values": {"csv", "tsv"},
    "skip_rows": {"csv", "tsv", "excel"},
    "sheet": {"excel"},
}
CHAR = {"type": "string", "minLength": 1, "maxLength": 1}


def to_utc(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Zoned timestamps become UTC without a zone: every timestamp in a job is a catalog `timestamp`."""
    return frame.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone("UTC").dt.replace_time_zone(None))


def remote_bytes(path: str, storage_options: dict[str, str] | None) -> bytes:
    """One s3:// object, whole (exported scripts that read from S3 copy this and s3fs_for)."""
    data: bytes = s3fs_for(storage_options).cat_file(path.split("://", 1)[1])
    return data


def file_bytes(path: str, storage_options: dict[str, str] | None) -> io.BytesIO:
    """A whole file, for the readers that take no object-store options (json, avro, excel, other encodings)."""
    if "://" in path:
        return io.BytesIO(remote_bytes(path, storage_options))
    return io.BytesIO(Path(path).read_bytes())


def scan(  # noqa: PLR0911, PLR0917  (one return per format; exported scripts call it positionally)
    path: str,
    fmt: str,
    options: Mapping[str, Any],
    hive: bool,
    n_rows: int | None,
    storage_options: dict[str, str] | None = None,
) -> pl.LazyFrame:
    """The scan for one path; shared by build() and the exported script (which imports nothing of glueweb)."""
    if fmt in ("csv", "tsv"):
        encoding = options.get("encoding", "utf8")
        kwargs: dict[str, Any] = {
            "separator": options.get("separator", "\t" if fmt == "tsv" else ","),
            "has_header": options.get("has_header", True),
            "quote_char": options.get("quote_char", '"'),
            "null_values": options.get("null_values") or None,
            "skip_rows": options.get("skip_rows", 0),
            "infer_schema_length": 100,
            "n_rows": n_rows,
        }
        if encoding in ("utf8", "utf8-lossy"):
            return pl.scan_csv(path, encoding=encoding, storage_options=storage_options, **kwargs)
        # Other encodings are decoded to UTF-8 first, whole file in memory (documented).
        text = file_bytes(path, storage_options).read().decode(encoding)
        return pl.read_csv(io.BytesIO(text.encode()), **kwargs).lazy()
    if fmt == "parquet":
        return pl.scan_parquet(path, hive_partitioning=hive, n_rows=n_rows, storage_options=storage_options)
    if fmt == "ipc":
        return pl.scan_ipc(path, hive_partitioning=hive, n_rows=n_rows, storage_options=storage_options)
    if fmt == "ndjson":
        return pl.scan_ndjson(path, n_rows=n_rows, infer_schema_length=100, storage_options=storage_options)
    if fmt == "json":
        frame = pl.read_json(file_bytes(path, storage_options), infer_schema_length=100).lazy()
        return frame.head(n_rows) if n_rows is not None else frame
    if fmt == "avro":
        return pl.read_avro(file_bytes(path, storage_options), n_rows=n_rows).lazy()
    # excel
    sheet = options.get("sheet")
    read_options = {"header_row": None} if not options.get("has_header", True) else {}
    if options.get("skip_rows"):
        read_options["skip_rows"] = options["skip_rows"]
    source = file_bytes(path, storage_options)
    frame = pl.read_excel(source, sheet_name=sheet, read_options=read_options or None).lazy()
    return frame.head(n_rows) if n_rows is not None else frame


@register
class ReadFiles(NodeType):
    key = "read_files"
    label = "Files"
    category = "sources"
    glue = "Amazon S3 source"
    inputs = ()
    params_schema = obj(
        {
            "path": {"type": "string", "minLength": 1, "title": "Path"},
            "format": {"enum": FORMATS, "title": "Format"},
            "options": obj(
                {
                    "separator": CHAR,
                    "has_header": {"type": "boolean", "default": True},
                    "quote_char": {"anyOf": [CHAR, {"type": "null"}], "default": '"'},
                    "encoding": {"type": "string", "default": "utf8"},
                    "null_values": {"type": "array", "items": {"type": "string"}, "default": []},
                    "skip_rows": {"type": "integer", "minimum": 0, "default": 0},
                    "sheet": {"type": "string"},
                },
                default={},
            ),
            "hive_partitioning": {"type": "boolean", "default": True},
            "connection": {"type": "string", "minLength": 1, "title": "S3 connection"},
            "storage_options": STORAGE_OPTIONS_SCHEMA,
        },
        ["path", "format"],
    )

    def location(self, params: Mapping[str, Any]) -> str:
        path: str = params["path"]
        if is_remote(path):
            return path
        return str(resolve_local(path))

    def storage_options(self, params: Mapping[str, Any]) -> dict[str, str] | None:
        """Polars' options for an s3:// path from the node's connection or storage_options (None: AWS defaults)."""
        if is_remote(params["path"]):
            return s3_location(params, params["path"]).polars_options()
        if params.get("connection") or params.get("storage_options"):
            raise NodeProblem("params.connection", "connection and storage_options apply to s3:// paths only")
        return None

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        self.checked_location(params)

    def checked_location(self, params: Mapping[str, Any]) -> str:
        fmt = params["format"]
        for option in params.get("options", {}):
            if fmt not in OPTION_FORMATS.get(option, set()):
                raise NodeProblem(f"params.options.{option}", f'option "{option}" does not apply to {fmt} files')
        if fmt == "excel" and importlib.util.find_spec("fastexcel") is None:
            raise NodeProblem("params.format", "reading excel files needs the fastexcel package")
        self.storage_options(params)
        path = self.location(params)
        if not is_remote(path) and not any(ch in path for ch in "*?[") and not Path(path).exists():
            raise NodeProblem("params.path", f'no file or folder at "{params["path"]}"')
        return path

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        location = self.checked_location(params)
        try:
            frame = self.fresh_scan(params, location, ctx, utc=False)
            schema = frame.collect_schema()
            if any(isinstance(dtype, pl.Datetime) and dtype.time_zone for dtype in schema.values()):
                frame = to_utc(frame)  # only then: an empty to_utc step still costs its planning
                schema = frame.collect_schema()
            # The run's build takes this scan, its metadata read (jobs/engine/scans.py says why).
            scans.leave(scans.key(location, params, ctx.sample_rows), frame)
            return {"out": schema}
        except NodeProblem:
            raise
        except Exception as exc:
            from jobs.engine.expressions import polars_message

            raise NodeProblem("params.path", f"cannot read the files' schema: {polars_message(exc)}") from None

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        location = self.location(params)  # checked against the data roots again, scan handed over or not
        handed = scans.take(scans.key(location, params, ctx.sample_rows))
        return handed if handed is not None else self.fresh_scan(params, location, ctx)

    def footer_rows(self, params: Mapping[str, Any]) -> int | None:
        """One local Parquet file's rows from its footer (parquet_footer says why); anything else: None."""
        path: str = params["path"]
        if params["format"] != "parquet" or is_remote(path) or any(ch in path for ch in "*?["):
            return None
        try:
            location = resolve_local(path)
        except NodeProblem:
            return None  # the run's scan reports it
        return parquet_footer.row_count(location) if location.is_file() else None

    def fresh_scan(self, params: Mapping[str, Any], location: str, ctx: Context, *, utc: bool = True) -> pl.LazyFrame:
        frame = scan(
            location,
            params["format"],
            params.get("options", {}),
            params.get("hive_partitioning", True),
            ctx.sample_rows,
            self.storage_options(params),
        )
        return to_utc(frame) if utc else frame

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        # A connection's secrets never go into the script: it reads them from the environment.
        ctx.need(file_bytes, scan, to_utc)
        if is_remote(params["path"]):
            ctx.need(s3fs_for, remote_bytes)
        storage_options = export_storage_options(params)
        if "s3_secrets_from_env" in storage_options:
            ctx.need(s3_secrets_from_env)
        hive = ctx.lit("hive_partitioning") if "hive_partitioning" in ctx.raw_params else "True"
        options = ctx.lit("options") if "options" in ctx.raw_params else "{}"
        path = f"local({ctx.lit('path')})"
        return f"to_utc(scan({path}, {ctx.lit('format')}, {options}, {hive}, None, {storage_options}))"
