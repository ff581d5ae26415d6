"""Reading a table's data with Polars: from its location, or from the partitions a filter selects.

Local locations must lie in settings.DATA_ROOTS (catalog/paths.py); s3:// locations are read
through s3fs with the credentials of the connection the table names in its `connection`
parameter (catalog/storage.py), or the standard AWS environment. Preview and statistics both
read through here.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import math
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError

from catalog import types
from catalog.filters import FilterError, parse_filter
from catalog.models import Connection, Partition, Table
from catalog.paths import is_s3, resolve_local
from catalog.storage import S3Options

EXTENSIONS: dict[str, tuple[str, ...]] = {
    "parquet": (".parquet", ".parq", ".pq"),
    "csv": (".csv", ".csv.gz", ".txt"),
    "tsv": (".tsv", ".tsv.gz", ".txt"),
    "json": (".json",),
    "ndjson": (".ndjson", ".jsonl", ".json"),
    "ipc": (".arrow", ".ipc", ".feather"),
}
MAX_FILES = 10_000


def _files(location: str, classification: str, field: str, fs: Any = None) -> list[str]:
    if is_s3(location):
        return _s3_files(location, classification, field, fs)
    path = resolve_local(location, field)
    if path.is_file():
        return [str(path)]
    if not path.is_dir():
        raise ValidationError({field: f'"{location}" does not exist'})
    suffixes = EXTENSIONS.get(classification, ())
    found: list[str] = []
    for candidate in sorted(path.rglob("*")):
        relative = candidate.relative_to(path)
        if any(part.startswith((".", "_")) for part in relative.parts):
            continue  # hidden files and markers such as _SUCCESS
        if candidate.is_file() and candidate.name.lower().endswith(suffixes):
            # rglob follows no links into directories, but a file link may point anywhere.
            found.append(str(resolve_local(str(candidate), field)))
        if len(found) >= MAX_FILES:
            break
    return found


def s3_filesystem(table: Table) -> Any:
    """The filesystem for the table's s3:// data: its `connection` parameter's credentials."""
    name = (table.parameters or {}).get("connection")
    if not name:
        return S3Options().filesystem()
    connection = Connection.objects.filter(name=name, connection_type="s3").first()
    if connection is None:
        raise ValidationError({"parameters.connection": f'no s3 connection named "{name}"'})
    return S3Options.from_connection(connection).filesystem()


def _s3_files(location: str, classification: str, field: str, fs: Any) -> list[str]:
    suffixes = EXTENSIONS.get(classification, ())
    try:
        if fs.isfile(location):
            return [location]
        found = ["s3://" + p for p in sorted(fs.find(location)) if p.lower().endswith(suffixes)]
    except (OSError, ValueError) as exc:  # botocore's errors arrive as OSError subclasses through s3fs
        raise ValidationError({field: f'cannot list "{location}": {exc}'}) from None
    hidden = [f for f in found if any(part.startswith((".", "_")) for part in f[len(location) :].split("/"))]
    return [f for f in found if f not in hidden][:MAX_FILES]


def _read(files: list[str], table: Table, limit: int | None, fs: Any = None) -> pl.DataFrame:
    kind = table.classification
    options = table.format_options
    if kind not in EXTENSIONS:
        shown = kind or "unknown"
        raise ValidationError({"classification": f'reading "{shown}" tables is not supported yet'})
    if not files:
        return pl.DataFrame(schema=types.schema_to_polars(table.columns))

    def source(f: str) -> Any:  # s3:// files are opened through s3fs, local ones read by path
        return fs.open(f, "rb") if fs is not None and is_s3(f) else f

    remote = fs is not None
    try:
        if kind == "parquet" and remote:
            lazy = pl.concat([pl.read_parquet(source(f), n_rows=limit).lazy() for f in files], how="diagonal_relaxed")
        elif kind == "parquet":
            lazy = pl.scan_parquet(files)
        elif kind == "ipc" and remote:
            lazy = pl.concat([pl.read_ipc(source(f), n_rows=limit).lazy() for f in files], how="diagonal_relaxed")
        elif kind == "ipc":
            lazy = pl.scan_ipc(files)
        elif kind == "ndjson" and remote:
            lazy = pl.concat([pl.read_ndjson(source(f), n_rows=limit).lazy() for f in files], how="diagonal_relaxed")
        elif kind == "ndjson":
            lazy = pl.scan_ndjson(files)
        elif kind == "json":
            lazy = pl.concat([pl.read_json(source(f)).lazy() for f in files], how="diagonal_relaxed")
        else:
            separator = options.get("delimiter", "\t" if kind == "tsv" else ",")
            frames = [
                pl.read_csv(
                    source(f),
                    separator=separator,
                    has_header=options.get("header", True),
                    quote_char=options.get("quote", '"'),
                    skip_rows=options.get("skip_rows", 0),
                    null_values=options.get("null_value"),
                    encoding="utf8-lossy"
                    if options.get("encoding", "utf8").lower() not in ("utf8", "utf-8")
                    else "utf8",
                    n_rows=limit,
                    infer_schema_length=1000,
                ).lazy()
                for f in files
            ]
            lazy = pl.concat(frames, how="diagonal_relaxed")
        if limit is not None:
            lazy = lazy.head(limit)
        return lazy.collect()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ValidationError({"location": f"cannot read the table's data: {exc}"}) from None


def _with_keys(frame: pl.DataFrame, table: Table, values: list[str | None]) -> pl.DataFrame:
    """Hive-style: a partition's key values become columns (typed as the keys say)."""
    for key, value in zip(table.partition_keys, values, strict=True):
        if key["name"] in frame.columns:
            continue
        dtype = types.to_polars(key["type"])
        frame = frame.with_columns(pl.lit(value, dtype=pl.String).cast(dtype, strict=False).alias(key["name"]))
    return frame


def read_table(
    table: Table, limit: int | None, partition_filter: str = "", partition: Partition | None = None
) -> pl.DataFrame:
    """The table's rows (at most `limit`), from one partition, the partitions a filter selects, or its location."""
    filesystems: list[Any] = []  # made on first use: only tables with s3:// data need one

    def read(location: str, limit: int | None) -> pl.DataFrame:
        if is_s3(location) and not filesystems:
            filesystems.append(s3_filesystem(table))
        fs = filesystems[0] if filesystems else None
        return _read(_files(location, table.classification, "location", fs), table, limit, fs)

    if partition is not None:
        return _with_keys(read(partition.location, limit), table, partition.values)
    if partition_filter or (table.partition_keys and table.partitions.exists()):
        # A partitioned table is read partition by partition, so the key values become columns.
        partitions = table.partitions.all()
        if partition_filter:
            try:
                parsed = parse_filter(partition_filter, table.partition_keys)
            except FilterError as exc:
                raise ValidationError({"partition_filter": str(exc)}) from None
            partitions = partitions.filter(parsed.to_q())
        frames: list[pl.DataFrame] = []
        remaining = limit
        for part in partitions.order_by("id").iterator():
            if not part.location:
                continue
            frame = _with_keys(read(part.location, remaining), table, part.values)
            frames.append(frame)
            if remaining is not None:
                remaining -= frame.height
                if remaining <= 0:
                    break
        if not frames:
            return pl.DataFrame(schema=types.schema_to_polars(table.columns + table.partition_keys))
        return pl.concat(frames, how="diagonal_relaxed")
    if not table.location:
        raise ValidationError({"location": "the table has no location to read"})
    return read(table.location, limit)


def json_value(value: Any) -> Any:  # noqa: PLR0911  (one return per Python type)
    """A Polars value as JSON can carry it: dates as ISO text, decimals as text, bytes as base64."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value // dt.timedelta(microseconds=1)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return str(value)


def preview(table: Table, limit: int, partition_filter: str = "") -> dict[str, Any]:
    frame = read_table(table, limit, partition_filter)
    columns = types.schema_from_polars(_mappable(frame.schema))
    rows = [[json_value(v) for v in row] for row in frame.rows()]
    return {"columns": columns, "rows": rows, "row_count": len(rows)}


def _mappable(schema: pl.Schema) -> dict[str, pl.DataType]:
    result: dict[str, pl.DataType] = {}
    for name, dtype in schema.items():
        try:
            types.from_polars(dtype)
            result[name] = dtype
        except ValueError:
            result[name] = pl.String()
    return result
