"""write_files: Parquet, CSV, NDJSON, IPC files or a Delta table, local or s3://, staged until the run succeeds.

With `catalog_update` the target also registers its output in the catalog once published:
`create_or_update` creates or follows the table, `add_partitions_only` keeps its schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.catalog_updates import (
    CatalogUpdate,
    catalog_change,
    catalog_columns,
    find_table,
    fit_problems,
    local_files,
    remote_files,
)
from jobs.engine.nodeutil import columns_schema, obj, require_columns, the_input
from jobs.engine.paths import is_remote
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeProblems, NodeType, register
from jobs.engine.storage import STORAGE_OPTIONS_SCHEMA
from jobs.engine.targets import (
    COMPRESSIONS,
    FORMATS,
    MODES,
    check_compression,
    check_delta_available,
    default_compression,
    export_folder,
    export_storage_options,
    location,
    s3_secrets_from_env,
    s3fs_for,
    sink,
    stage,
    write_delta,
)


def split_schema(schema: pl.Schema, partition_by: list[str]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(columns, partition keys) in catalog types, keys in partition_by order."""
    columns = catalog_columns(pl.Schema({n: d for n, d in schema.items() if n not in partition_by}), "params.table")
    keys = catalog_columns(pl.Schema({n: schema[n] for n in partition_by}), "params.partition_by")
    return columns, keys


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
            "format": {"enum": FORMATS, "default": "parquet"},
            "compression": {"enum": sorted({c for cs in COMPRESSIONS.values() for c in cs})},
            "partition_by": columns_schema(0, default=[]),
            "mode": {"enum": MODES, "default": "error_if_exists"},
            "catalog_update": {"enum": ["none", "create_or_update", "add_partitions_only"], "default": "none"},
            "database": {"type": "string", "minLength": 1},
            "table": {"type": "string", "minLength": 1},
            "connection": {"type": "string", "minLength": 1, "title": "S3 connection"},
            "storage_options": STORAGE_OPTIONS_SCHEMA,
        },
        ["path"],
    )

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        fmt = params.get("format", "parquet")
        if fmt == "delta":
            check_delta_available()
        check_compression(fmt, params.get("compression", default_compression(fmt)))
        schema = the_input(inputs)
        partition_by = params.get("partition_by", [])
        require_columns(schema, partition_by, "params.partition_by")
        if partition_by and set(partition_by) >= set(schema.names()):
            raise NodeProblem("params.partition_by", "at least one column must remain inside the files")
        location(params, params["path"])
        self.check_catalog(params, schema)

    def check_catalog(self, params: Mapping[str, Any], schema: pl.Schema) -> None:
        update = params.get("catalog_update", "none")
        if update == "none":
            return
        for name in ("database", "table"):
            if not params.get(name):
                raise NodeProblem(f"params.{name}", f"catalog_update {update} needs a {name}")
        columns, keys = split_schema(schema, params.get("partition_by", []))
        if update == "create_or_update":
            self.check_create_or_update(params, keys)
            return
        if params.get("format") == "delta":
            raise NodeProblem(
                "params.catalog_update",
                "a Delta table keeps its partitions in its own log: use create_or_update, which registers the table",
            )
        table = find_table(params["database"], params["table"])
        problems = fit_problems(columns, keys, table)
        name = f"{table.database.name}.{table.name}"
        if table.table_type != "EXTERNAL_TABLE":
            problems.insert(0, NodeProblem("params.table", f"{name} is a view: it has no partitions to add"))
        fmt = params.get("format", "parquet")
        if table.classification and table.classification != fmt:
            problems.append(
                NodeProblem("params.format", f'table {name} is of format "{table.classification}", not {fmt}')
            )
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise NodeProblems(problems)

    def check_create_or_update(self, params: Mapping[str, Any], keys: list[dict[str, str]]) -> None:
        """The database must exist; an existing table's partition keys change only with mode overwrite."""
        from catalog.models import Database, Table

        db = Database.objects.filter(name=params["database"].strip().lower()).first()
        if db is None:
            raise NodeProblem("params.database", f'no catalog database is named "{params["database"]}"')
        table = Table.objects.filter(database=db, name=params["table"].strip().lower()).first()
        if table is None or params.get("mode", "error_if_exists") == "overwrite":
            return
        before = [(k["name"], k["type"]) for k in table.partition_keys]
        if before != [(k["name"], k["type"]) for k in keys] and table.partitions.exists():
            shown = ", ".join(f"{n} {t}" for n, t in before) or "none"
            raise NodeProblem(
                "params.partition_by",
                f"table {db.name}.{table.name} has partitions by its keys ({shown}): "
                "new partition keys need mode overwrite, which replaces its partitions",
            )

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        self.check(params, inputs)
        return {}

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        fmt = params.get("format", "parquet")
        frame: pl.LazyFrame = the_input(inputs)
        partition_by = params.get("partition_by", [])
        mode = params.get("mode", "error_if_exists")
        where = location(params, params["path"])
        compression = params.get("compression", default_compression(fmt))
        sink_frame, publisher = stage(ctx, frame, where, fmt, compression, partition_by, mode)
        update = params.get("catalog_update", "none")
        if update != "none":
            columns, keys = split_schema(frame.collect_schema(), partition_by)
            ctx.catalog_updates.append(
                CatalogUpdate(
                    ctx.node_id,
                    update,
                    params["database"],
                    params["table"],
                    publisher,
                    columns,
                    keys,
                    fmt,
                    mode,
                    ctx.run_id,
                )
            )
        return sink_frame

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        # The exported script writes straight into the folder (mode handled by `prepare`); catalog: reported only.
        fmt = params.get("format", "parquet")

        def arg(name: str, default: Any) -> str:
            return ctx.lit(name) if name in ctx.raw_params else repr(default)

        options = export_storage_options(params)
        if "s3_secrets_from_env" in options:
            ctx.need(s3_secrets_from_env)
        compression = arg("compression", default_compression(fmt))
        mode, partition_by = arg("mode", "error_if_exists"), arg("partition_by", [])
        if fmt == "delta":
            ctx.need(write_delta)
            return f"write_delta({inputs['in']}, local({ctx.lit('path')}), {mode}, {partition_by}, {options})"
        ctx.need(sink)
        folder = export_folder(ctx, ctx.lit("path"), params["path"], mode, options)
        return f"sink({inputs['in']}, {folder}, {arg('format', fmt)}, {compression}, {partition_by}, RUN_ID, {options})"

    def export_catalog_change(self, params: Mapping[str, Any], ctx: ExportContext) -> str | None:
        """Source of the change glueweb would make in its catalog (the script only reports it), or None."""
        update = params.get("catalog_update", "none")
        if update == "none":
            return None
        fmt = params.get("format", "parquet")
        partition_by = params.get("partition_by", [])
        definition = None
        if update == "create_or_update":
            columns, keys = split_schema(ctx.input_schemas["in"], partition_by)
            definition = {"columns": columns, "partition_keys": keys}
        ctx.need(catalog_change)
        folder = f"local({ctx.lit('path')})"
        if is_remote(params["path"]):
            ctx.need(s3fs_for, remote_files)
            options = export_storage_options(params)
            if "s3_secrets_from_env" in options:
                ctx.need(s3_secrets_from_env)
            files = f"remote_files({folder}, {options})"
        else:
            ctx.need(local_files)
            files = f"local_files({folder})"
        return (
            f"catalog_change({ctx.node_id!r}, {update!r}, {ctx.lit('database')}, {ctx.lit('table')}, {folder}, "
            f"{partition_by!r}, {fmt!r}, {params.get('mode', 'error_if_exists')!r}, {definition!r}, {files}, RUN_ID)"
        )
