"""Code export: a standalone Python script (Polars; deltalake and s3fs only when used) that reproduces a job.

Each node type writes its own code (export_code); helpers it needs are copied
into the script from the very functions the engine runs, so the script and
glueweb cannot drift apart. Job parameters become command-line options.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Mapping
from importlib.metadata import version
from typing import Any

from django.conf import settings

from jobs.engine.catalog_updates import report_catalog_changes
from jobs.engine.registry import ExportContext
from jobs.engine.substitute import REFERENCE
from jobs.engine.validate import analyze

HEADER = '''#!/usr/bin/env python3
"""{title}

Exported from glueweb; needs Polars ({polars}){extra}. Run with --help for the job parameters.{catalog}
"""

from __future__ import annotations

import argparse
import io
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import reduce
from pathlib import Path
from typing import Any

import polars as pl
import polars.selectors as cs

'''

RUNTIME = '''
def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def sub(text: str) -> str:
    """${{name}} -> the job parameter's value; $${{ -> ${{."""
    pattern = r"\\$(\\$\\{{)|\\$\\{{([^}}]*)\\}}"
    return re.sub(pattern, lambda m: "${{" if m.group(1) else format_value(PARAMS[m.group(2)]), text)


def local(path: str) -> str:
    """Relative paths are read against --home, as glueweb reads them against GLUEWEB_HOME."""
    return path if "://" in path or Path(path).is_absolute() else str(Path(HOME) / path)

'''

# The script cannot reach glueweb's catalog: targets with a catalog update only report it.
CATALOG_NOTE = """

Catalog: this script does NOT update glueweb's data catalog. The tables and partitions a
glueweb run would create or register are printed at the end as JSON (or written to
--catalog-changes FILE); each change's "partitions" can be sent to glueweb's
partitions/batch-create/ API (docs/node-catalog.md, Code export and the catalog)."""

ARG_TYPES = {"string": "str", "number": "float", "integer": "int", "boolean": "parse_bool"}


def _var(node_id: str, taken: set[str]) -> str:
    base = "df_" + re.sub(r"[^0-9A-Za-z_]", "_", node_id)
    name, i = base, 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    taken.add(name)
    return name


def render(raw: Any, resolved: Any) -> str:
    """A raw parameter value as Python source; strings with ${...} are substituted when the script runs."""
    if isinstance(raw, dict):
        res_map = resolved if isinstance(resolved, dict) else {}
        return "{" + ", ".join(f"{k!r}: {render(v, res_map.get(k))}" for k, v in raw.items()) + "}"
    if isinstance(raw, list):
        res_list = resolved if isinstance(resolved, list) and len(resolved) == len(raw) else [None] * len(raw)
        return "[" + ", ".join(render(v, r) for v, r in zip(raw, res_list, strict=True)) + "]"
    if isinstance(raw, str) and "$" in raw and REFERENCE.search(raw):
        whole = REFERENCE.fullmatch(raw)
        if whole and whole.group(2) is not None and not isinstance(resolved, str):
            return f"PARAMS[{whole.group(2)!r}]"
        return f"sub({raw!r})"
    return repr(raw)


class ExportError(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


def export_script(document: Any, *, title: str = "glueweb job", parameters: Mapping[str, Any] | None = None) -> str:
    """The script's source; ExportError with the validation errors of a graph that is not valid."""
    analysis = analyze(document)
    if analysis.errors:
        raise ExportError(analysis.errors_as_dicts())
    if analysis.pending:
        analysis = analyze(document, parameters or {})
        if analysis.errors:
            raise ExportError(analysis.errors_as_dicts())
    assert analysis.graph is not None
    nodes = {n.id: n for n in analysis.graph.nodes}
    taken: set[str] = set()
    names: dict[tuple[str, str], str] = {}
    helpers: dict[str, Any] = {}
    body: list[str] = []
    sinks: list[str] = []
    changes: list[str] = []  # catalog changes the script reports instead of making them
    for node_id in analysis.order:
        node_type = analysis.types[node_id]
        var = _var(node_id, taken)
        inputs: dict[str, Any] = {}
        input_schemas: dict[str, Any] = {}
        for port in node_type.inputs:
            edges = analysis.inputs[node_id][port.name]
            refs = [names[(e.source, e.source_port)] for e in edges]
            inputs[port.name] = refs if port.many else refs[0]
            schemas = [analysis.schemas[e.source][e.source_port] for e in edges]
            input_schemas[port.name] = schemas if port.many else schemas[0]
        resolved = analysis.params[node_id]
        sources = tuple(e.source for p in node_type.inputs if p.many for e in analysis.inputs[node_id][p.name])
        ctx = ExportContext(node_id, dict(nodes[node_id].params), resolved, render, input_schemas, sources)
        code = node_type.export_code(resolved, inputs, ctx)
        catalog_change = getattr(node_type, "export_catalog_change", None)
        change = catalog_change(resolved, ctx) if catalog_change is not None else None
        if change is not None:
            changes.append(change)
        helpers.update(ctx.helpers)
        label = nodes[node_id].label or node_type.label
        body.append(f"# {node_id}: {label} ({node_type.key})")
        body.append(f"{var} = {code}")
        if node_type.category == "targets":
            sinks.append(var)
        ports = analysis.schemas.get(node_id, {})
        if len(ports) > 1:
            names.update({(node_id, port): f"{var}[{port!r}]" for port in ports})
        else:
            names[(node_id, "out")] = var

    last = names.get((analysis.order[-1], "out")) if analysis.order and not sinks else None
    shown = f"\nprint({last}.collect())\n" if last else ""  # a job without targets shows its last output
    return _assemble(title, helpers, body, sinks, changes, analysis.graph.parameters) + shown


def _assemble(  # noqa: PLR0917  (the parts of a script)
    title: str, helpers: dict[str, Any], body: list[str], sinks: list[str], changes: list[str], parameters: Any
) -> str:
    """The script from its parts: header, runtime, helpers, arguments, the nodes' code, the final collect."""
    import polars as pl

    if changes:
        helpers["report_catalog_changes"] = report_catalog_changes
    extra = _extra_packages(helpers, body)
    out: list[str] = [
        HEADER.format(title=title, polars=pl.__version__, extra=extra, catalog=CATALOG_NOTE if changes else "")
    ]
    out.append(
        f"HOME = {str(settings.GLUEWEB_HOME)!r}\nPARAMS: dict[str, Any] = {{}}\nRUN_ID = uuid.uuid4().hex[:12]\n"
    )
    out.append(f"NOW = datetime.now(UTC).replace(tzinfo=None)\n{RUNTIME.format()}")
    for function in helpers.values():
        out.append("\n" + textwrap.dedent(inspect.getsource(function)) + "\n")
    out.append(_arguments(parameters, catalog=bool(changes)))
    out.append("\n".join(body))
    out.append(f'\npl.collect_all([{", ".join(sinks)}], engine="streaming")\n' if sinks else "")
    if changes:
        listed = "".join(f"        {change},\n" for change in changes)
        out.append(
            "\n# Not done here: updating glueweb's catalog (see the note at the top).\n"
            f"report_catalog_changes(\n    [\n{listed}    ],\n    args.glueweb_catalog_changes,\n    RUN_ID,\n)\n"
        )
    return "".join(out)


def _extra_packages(helpers: Mapping[str, Any], body: list[str]) -> str:
    """Packages beside Polars that the script's code imports (deltalake, s3fs), for its docstring."""
    sources = "\n".join(inspect.getsource(f) for f in helpers.values()) + "\n".join(body)
    extra = [f"{name} ({version(name)})" for name in ("deltalake", "s3fs") if name in sources]
    return ", " + ", ".join(extra) if extra else ""


def _arguments(parameters: Any, *, catalog: bool = False) -> str:
    lines = [
        "\ndef parse_bool(text: str) -> bool:",
        "    if text.lower() not in ('true', 'false'):",
        "        raise argparse.ArgumentTypeError('expected true or false')",
        "    return text.lower() == 'true'",
        "",
        "",
        "parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])",
        "parser.add_argument('--home', default=HOME, help='folder relative paths are read against')",
    ]
    for p in parameters:
        option = "--" + p.name.replace("_", "-")
        default = f"default={p.default!r}" if p.has_default else "required=True"
        lines.append(f"parser.add_argument({option!r}, dest={p.name!r}, type={ARG_TYPES[p.type]}, {default})")
    if catalog:
        lines.append(
            "parser.add_argument('--catalog-changes', dest='glueweb_catalog_changes', metavar='FILE', "
            "help='write the catalog changes (JSON) to FILE instead of printing them')"
        )
    lines += [
        "args = parser.parse_args()",
        "HOME = args.home",
        "PARAMS.update({k: v for k, v in vars(args).items() if k not in ('home', 'glueweb_catalog_changes')})",
        "",
        "",
    ]
    return "\n".join(lines)
