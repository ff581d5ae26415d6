"""write_catalog_table: append to or overwrite a catalog table at its location and format (Glue Data Catalog target).

The input must have exactly the table's columns and partition keys (by name); values are cast
to the catalog types strictly. Files are staged like write_files; once published, new partitions
are registered (with `overwrite`, they replace every partition the table had).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.catalog_updates import WRITABLE, CatalogUpdate, catalog_change, find_table, local_files, remote_files
from jobs.engine.nodeutil import dtype_source, obj, the_input
from jobs.engine.registry import Context, ExportContext, NodeProblem, NodeType, register
from jobs.engine.storage import STORAGE_OPTIONS_SCHEMA, S3Location
from jobs.engine.targets import (
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


def conform(frame: pl.LazyFrame, schema: dict[str, Any]) -> pl.LazyFrame:
    """The table's columns in its order and types (a value that does not convert fails the run)."""
    return frame.select([pl.col(name).cast(dtype, strict=True) for name, dtype in schema.items()])


@register
class WriteCatalogTable(NodeType):
    key = "write_catalog_table"
    label = "Catalog table"
    category = "targets"
    glue = "Data Catalog target"
    outputs = ()
    params_schema = obj(
        {
            "database": {"type": "string", "minLength": 1, "title": "Database"},
            "table": {"type": "string", "minLength": 1, "title": "Table"},
            "mode": {"enum": ["append", "overwrite"], "default": "append"},
            "connection": {"type": "string", "minLength": 1, "title": "S3 connection"},
            "storage_options": STORAGE_OPTIONS_SCHEMA,
        },
        ["database", "table"],
    )

    def table(self, params: Mapping[str, Any]) -> Any:
        table = find_table(params["database"], params["table"])
        name = f"{table.database.name}.{table.name}"
        if table.table_type != "EXTERNAL_TABLE":
            raise NodeProblem("params.table", f"{name} is a view: it cannot be written")
        if table.classification not in WRITABLE:
            shown = table.classification or "unknown"
            raise NodeProblem("params.table", f'{name} is of format "{shown}", which cannot be written')
        if not table.location:
            raise NodeProblem("params.table", f"{name} has no location to write to")
        if table.classification == "delta":
            check_delta_available()
        return table

    def schema(self, table: Any) -> dict[str, pl.DataType]:
        from catalog.types import to_polars

        return {c["name"]: to_polars(c["type"]) for c in [*table.columns, *table.partition_keys]}

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        table = self.table(params)
        given: pl.Schema = the_input(inputs)
        wanted = self.schema(table)
        name = f"{table.database.name}.{table.name}"
        missing = [c for c in wanted if c not in given]
        extra = [c for c in given.names() if c not in wanted]
        if missing:
            raise NodeProblem("params.table", f'the input lacks column "{missing[0]}" of table {name}')
        if extra:
            raise NodeProblem("params.table", f'column "{extra[0]}" of the input is not in table {name}')
        try:
            conform(pl.LazyFrame(schema=given), wanted).collect_schema()
        except Exception as exc:
            from jobs.engine.expressions import polars_message

            raise NodeProblem("params.table", f"the input does not convert to {name}: {polars_message(exc)}") from None
        location(params, table.location, "params.table")

    def output_schema(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> dict[str, pl.Schema]:
        self.check(params, inputs)
        return {}

    def build(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: Context) -> pl.LazyFrame:
        table = self.table(params)
        fmt = WRITABLE[table.classification]
        keys = [k["name"] for k in table.partition_keys]
        mode = params.get("mode", "append")
        frame = conform(the_input(inputs), self.schema(table))
        where = location(params, table.location, "params.table")
        sink_frame, publisher = stage(ctx, frame, where, fmt, default_compression(fmt), keys, mode)
        ctx.catalog_updates.append(
            CatalogUpdate(ctx.node_id, "write_table", table.database.name, table.name, publisher,
                          list(table.columns), list(table.partition_keys), table.classification, mode, ctx.run_id)
        )  # fmt: skip
        return sink_frame

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        # The table's location, format and types are fixed at export; partitions are only reported (below).
        table = self.table(params)
        where = location(params, table.location, "params.table")
        uri = where.uri if isinstance(where, S3Location) else str(where)
        fmt = WRITABLE[table.classification]
        keys = [k["name"] for k in table.partition_keys]
        mode = params.get("mode", "append")
        options = export_storage_options(params)
        if "s3_secrets_from_env" in options:
            ctx.need(s3_secrets_from_env)
        schema = "{" + ", ".join(f"{n!r}: {dtype_source(d)}" for n, d in self.schema(table).items()) + "}"
        ctx.need(conform)
        frame = f"conform({inputs['in']}, {schema})"
        if fmt == "delta":
            ctx.need(write_delta)
            return f"write_delta({frame}, {uri!r}, {mode!r}, {keys!r}, {options})"
        ctx.need(sink)
        folder = export_folder(ctx, repr(uri), uri, repr(mode), options)
        return f"sink({frame}, {folder}, {fmt!r}, {default_compression(fmt)!r}, {keys!r}, RUN_ID, {options})"

    def export_catalog_change(self, params: Mapping[str, Any], ctx: ExportContext) -> str | None:
        """Source of the partitions glueweb would register (the script only reports them)."""
        table = self.table(params)
        where = location(params, table.location, "params.table")
        keys = [k["name"] for k in table.partition_keys]
        ctx.need(catalog_change)
        if isinstance(where, S3Location):
            ctx.need(s3fs_for, remote_files)
            options = export_storage_options(params)
            if "s3_secrets_from_env" in options:
                ctx.need(s3_secrets_from_env)
            folder, files = repr(where.uri), f"remote_files({where.uri!r}, {options})"
        else:
            ctx.need(local_files)
            folder, files = repr(str(where)), f"local_files({str(where)!r})"
        return (
            f"catalog_change({ctx.node_id!r}, 'write_table', {table.database.name!r}, {table.name!r}, {folder}, "
            f"{keys!r}, {table.classification!r}, {params.get('mode', 'append')!r}, None, {files}, RUN_ID)"
        )
