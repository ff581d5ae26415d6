"""read_files: scan files (csv, tsv, json, ndjson, parquet, ipc, excel, avro) from a local folder or s3://."""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl
import polars.selectors as cs

from jobs.engine.nodeutil import obj
from jobs.engine.paths import is_remote, resolve_local
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register

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


def scan(  # noqa: PLR0911  (one return per format)
    path: str, fmt: str, options: Mapping[str, Any], hive: bool, n_rows: int | None
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
            return pl.scan_csv(path, encoding=encoding, **kwargs)
        # Other encodings are decoded to UTF-8 first, whole file in memory (documented).
        text = Path(path).read_bytes().decode(encoding)
        return pl.read_csv(io.BytesIO(text.encode()), **kwargs).lazy()
    if fmt == "parquet":
        return pl.scan_parquet(path, hive_partitioning=hive, n_rows=n_rows)
    if fmt == "ipc":
        return pl.scan_ipc(path, hive_partitioning=hive, n_rows=n_rows)
    if fmt == "ndjson":
        return pl.scan_ndjson(path, n_rows=n_rows, infer_schema_length=100)
    if fmt == "json":
        frame = pl.read_json(path, infer_schema_length=100).lazy()
        return frame.head(n_rows) if n_rows is not None else frame
    if fmt == "avro":
        return pl.read_avro(path, n_rows=n_rows).lazy()
    # excel
    sheet = options.get("sheet")
    read_options = {"header_row": None} if not options.get("has_header", True) else {}
    if options.get("skip_rows"):
        read_options["skip_rows"] = options["skip_rows"]
    frame = pl.read_excel(path, sheet_name=sheet, read_options=read_options or None).lazy()
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
        },
        ["path", "format"],
    )

    def location(self, params: Mapping[str, Any]) -> str:
        path: str = params["path"]
        if is_remote(path):
            return path
        return str(resolve_local(path))

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        fmt = params["format"]
        for option in params.get("options", {}):
            if fmt not in OPTION_FORMATS.get(option, set()):
                raise NodeProblem(f"params.options.{option}", f'option "{option}" does not apply to {fmt} files')
        if fmt == "excel" and importlib.util.find_spec("fastexcel") is None:
            raise NodeProblem("params.format", "reading excel files needs the fastexcel package")
        path = self.location(params)
        if not is_remote(path) and not any(ch in path for ch in "*?[") and not Path(path).exists():
            raise NodeProblem("params.path", f'no file or folder at "{params["path"]}"')

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        self.check(params, inputs)
        try:
            return {"out": self.build(params, inputs, ctx).collect_schema()}
        except NodeProblem:
            raise
        except Exception as exc:
            from jobs.engine.expressions import polars_message

            raise NodeProblem("params.path", f"cannot read the files' schema: {polars_message(exc)}") from None

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        frame = scan(
            self.location(params),
            params["format"],
            params.get("options", {}),
            params.get("hive_partitioning", True),
            ctx.sample_rows,
        )
        return to_utc(frame)

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        ctx.need(scan, to_utc)
        hive = ctx.lit("hive_partitioning") if "hive_partitioning" in ctx.raw_params else "True"
        options = ctx.lit("options") if "options" in ctx.raw_params else "{}"
        return f"to_utc(scan(local({ctx.lit('path')}), {ctx.lit('format')}, {options}, {hive}, None))"
