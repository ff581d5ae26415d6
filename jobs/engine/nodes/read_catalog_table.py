"""read_catalog_table: a catalog table's data, read at its location in its format (Glue Data Catalog source).

The output schema is the table's columns then its partition keys, straight from the catalog: no
data is read to validate. A partitioned table is read partition by partition, and only the
partitions its `partition_filter` selects (the filter runs in the catalog database, so pruning
costs one query). Files are matched by column name: a column missing from a file reads as null,
one the table does not list is left out, and values are converted to the catalog types strictly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.catalog_updates import find_table
from jobs.engine.nodeutil import dtype_source, obj
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register
from jobs.engine.storage import STORAGE_OPTIONS_SCHEMA, S3Location
from jobs.engine.targets import export_storage_options, location, s3_secrets_from_env, s3fs_for

READABLE = ("parquet", "ipc", "csv", "tsv", "ndjson", "json", "delta")


def table_files(where: str, fmt: str, storage_options: dict[str, str] | None) -> list[str]:
    """The data files below a location (hidden files and `_` markers such as _SUCCESS skipped)."""
    from pathlib import Path

    suffixes = {
        "parquet": (".parquet", ".parq", ".pq"),
        "csv": (".csv", ".csv.gz", ".txt"),
        "tsv": (".tsv", ".tsv.gz", ".txt"),
        "json": (".json",),
        "ndjson": (".ndjson", ".jsonl", ".json", ".ndjson.gz"),
        "ipc": (".arrow", ".ipc", ".feather"),
    }[fmt]

    def visible(relative: str) -> bool:
        return not any(part.startswith((".", "_")) for part in relative.split("/"))

    if "://" in where:
        fs = s3fs_for(storage_options)
        root = where.split("://", 1)[1].rstrip("/")
        if fs.isfile(root):
            return [where]
        found = fs.find(root) if fs.exists(root) else []
        return ["s3://" + k for k in sorted(found) if k.lower().endswith(suffixes) and visible(k[len(root) + 1 :])]
    path = Path(where)
    if path.is_file():
        return [str(path)]
    if not path.is_dir():
        return []
    return [
        str(p)
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.name.lower().endswith(suffixes) and visible(p.relative_to(path).as_posix())
    ]


def scan_location(  # noqa: PLR0917  (every property of a table; exported scripts call it too)
    where: str,
    fmt: str,
    columns: dict[str, Any],
    options: Mapping[str, Any],
    storage_options: dict[str, str] | None,
    n_rows: int | None,
) -> pl.LazyFrame:
    """One location's files as the table's columns: matched by name, missing ones null, cast strictly."""
    if fmt == "delta":
        frame = pl.scan_delta(where, storage_options=storage_options)
    else:
        files = table_files(where, fmt, storage_options)
        if not files:
            return pl.LazyFrame(schema=columns)
        if fmt == "parquet":
            frame = pl.scan_parquet(files, hive_partitioning=False, missing_columns="insert",
                                    extra_columns="ignore", storage_options=storage_options)  # fmt: skip
        elif fmt == "ipc":
            frame = pl.scan_ipc(files, hive_partitioning=False, storage_options=storage_options)
        elif fmt == "ndjson":
            frame = pl.scan_ndjson(files, storage_options=storage_options, infer_schema_length=1000)
        elif fmt == "json":
            frame = pl.concat([pl.read_json(f).lazy() for f in files], how="diagonal_relaxed")
        else:
            frame = pl.concat(
                [
                    pl.scan_csv(
                        f,
                        separator=options.get("delimiter", "\t" if fmt == "tsv" else ","),
                        has_header=options.get("header", True),
                        quote_char=options.get("quote", '"'),
                        skip_rows=options.get("skip_rows", 0),
                        null_values=options.get("null_value"),
                        infer_schema_length=1000,
                        storage_options=storage_options,
                    )
                    for f in files
                ],
                how="diagonal_relaxed",
            )
    if n_rows is not None:
        frame = frame.head(n_rows)
    present = frame.collect_schema()
    return frame.select(
        [
            pl.col(name).cast(dtype, strict=True) if name in present else pl.lit(None, dtype).alias(name)
            for name, dtype in columns.items()
        ]
    )


def scan_table(  # noqa: PLR0917  (exported scripts call it positionally)
    where: str,
    fmt: str,
    columns: dict[str, Any],
    keys: dict[str, Any],
    partitions: list[tuple[list[str | None], str]] | None,
    options: Mapping[str, Any],
    storage_options: dict[str, str] | None,
    n_rows: int | None,
) -> pl.LazyFrame:
    """The table: its location, or the given partitions (values, location) with the key values as columns."""
    if partitions is None:
        # Read as a whole (a Delta table's partition columns are inside its data, by its log).
        return scan_location(where, fmt, {**columns, **keys}, options, storage_options, n_rows)
    frames = [
        scan_location(part_location, fmt, columns, options, storage_options, n_rows).with_columns(
            [
                pl.lit(value, pl.String).cast(dtype, strict=True).alias(name)
                for (name, dtype), value in zip(keys.items(), values, strict=True)
            ]
        )
        for values, part_location in partitions
    ]
    if not frames:
        return pl.LazyFrame(schema={**columns, **keys})
    frame = pl.concat(frames, how="vertical")
    return frame.head(n_rows) if n_rows is not None else frame


@register
class ReadCatalogTable(NodeType):
    key = "read_catalog_table"
    label = "Catalog table"
    category = "sources"
    glue = "Data Catalog source"
    inputs = ()
    params_schema = obj(
        {
            "database": {"type": "string", "minLength": 1, "title": "Database"},
            "table": {"type": "string", "minLength": 1, "title": "Table"},
            "partition_filter": {"type": "string", "title": "Partition filter", "x-glueweb": "expression"},
            "connection": {"type": "string", "minLength": 1, "title": "S3 connection"},
            "storage_options": STORAGE_OPTIONS_SCHEMA,
        },
        ["database", "table"],
    )

    def table(self, params: Mapping[str, Any]) -> Any:
        table = find_table(params["database"], params["table"])
        if table.table_type != "EXTERNAL_TABLE":
            raise NodeProblem("params.table", f"{table.database.name}.{table.name} is a view: it has no data to read")
        if table.classification not in READABLE:
            shown = table.classification or "unknown"
            raise NodeProblem("params.table", f'reading tables of format "{shown}" is not supported')
        if not table.location:
            raise NodeProblem("params.table", f"{table.database.name}.{table.name} has no location")
        return table

    def selected(self, params: Mapping[str, Any], table: Any) -> list[tuple[list[str | None], str]] | None:
        """The partitions to read (None: read the table's location as a whole)."""
        from catalog.filters import FilterError, parse_filter

        text = (params.get("partition_filter") or "").strip()
        if text and not table.partition_keys:
            raise NodeProblem("params.partition_filter", "the table has no partition keys to filter on")
        parsed = None
        if text:
            try:
                parsed = parse_filter(text, table.partition_keys)
            except FilterError as exc:
                raise NodeProblem("params.partition_filter", str(exc)) from None
        if not table.partition_keys or table.classification == "delta":
            return None
        partitions = table.partitions.all()
        if parsed is not None:
            partitions = partitions.filter(parsed.to_q())
        return [(p.values, p.location) for p in partitions.order_by("id") if p.location]

    def schemas(self, table: Any) -> tuple[dict[str, pl.DataType], dict[str, pl.DataType]]:
        from catalog.types import to_polars

        columns = {c["name"]: to_polars(c["type"]) for c in table.columns}
        keys = {k["name"]: to_polars(k["type"]) for k in table.partition_keys}
        return columns, keys

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        table = self.table(params)
        self.selected(params, table)
        location(params, table.location, "params.table", writing=False)
        columns, keys = self.schemas(table)
        return {"out": pl.Schema({**columns, **keys})}

    def _spec(self, params: Mapping[str, Any]) -> tuple[Any, str, dict[str, str] | None, Any]:
        table = self.table(params)
        where = location(params, table.location, "params.table", writing=False)
        storage_options = where.polars_options() if isinstance(where, S3Location) else None
        uri = where.uri if isinstance(where, S3Location) else str(where)
        partitions = self.selected(params, table)
        if partitions is not None:
            partitions = [(values, self._where(params, place)) for values, place in partitions]
        return table, uri, storage_options, partitions

    def _where(self, params: Mapping[str, Any], place: str) -> str:
        found = location(params, place, "params.table", writing=False)
        return found.uri if isinstance(found, S3Location) else str(found)

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        table, uri, storage_options, partitions = self._spec(params)
        columns, keys = self.schemas(table)
        # A Delta table is filtered after the scan: a preview's sample is taken from what passes.
        delta_filter = table.classification == "delta" and params.get("partition_filter")
        frame = scan_table(uri, table.classification, columns, keys, partitions, table.format_options,
                           storage_options, None if delta_filter else ctx.sample_rows)  # fmt: skip
        if delta_filter:
            from jobs.engine.expressions import parse

            frame = frame.filter(parse(params["partition_filter"]))
            frame = frame.head(ctx.sample_rows) if ctx.sample_rows is not None else frame
        return frame

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        # The script has no catalog: the table's location, types and selected partitions are fixed at export.
        ctx.need(table_files, scan_location, scan_table)
        table, uri, _, partitions = self._spec(params)
        if "://" in uri:
            ctx.need(s3fs_for)
        storage_options = export_storage_options(params)
        if "s3_secrets_from_env" in storage_options:
            ctx.need(s3_secrets_from_env)
        columns, keys = self.schemas(table)

        def schema_source(schema: dict[str, pl.DataType]) -> str:
            return "{" + ", ".join(f"{name!r}: {dtype_source(d)}" for name, d in schema.items()) + "}"

        code = (
            f"scan_table({uri!r}, {table.classification!r}, {schema_source(columns)}, {schema_source(keys)}, "
            f"{partitions!r}, {dict(table.format_options)!r}, {storage_options}, None)"
        )
        if table.classification == "delta" and params.get("partition_filter"):
            code += f".filter(pl.sql_expr({ctx.lit('partition_filter')}))"
        return code
