"""What `make run` sets up around the demo lake, so a new user sees a working example at once:
a catalog database for the demo's outputs and a job that joins orders with customers and
aggregates revenue by country and segment, and a crawler over the lake (crawlers/demo.py).

Each object is created only when nothing of that name exists: a user's edits are never
overwritten by the next start.
"""

from __future__ import annotations

from typing import Any

DEMO_DATABASE = "retail_demo"
DEMO_JOB = "demo_revenue_by_country"

# Paths are relative to GLUEWEB_HOME, where the demo lake lives (lake/retail/...).
DEMO_GRAPH: dict[str, Any] = {
    "format": "glueweb.graph/1",
    "parameters": [{"name": "min_total", "type": "number", "default": 0}],
    "nodes": [
        {
            "id": "orders",
            "type": "read_files",
            "label": "Orders (Parquet)",
            "params": {"path": "lake/retail/orders/", "format": "parquet", "hive_partitioning": True},
            "position": {"x": 0, "y": 0},
        },
        {
            "id": "customers",
            "type": "read_files",
            "label": "Customers (CSV)",
            "params": {"path": "lake/retail/customers/customers.csv", "format": "csv"},
            "position": {"x": 0, "y": 200},
        },
        {
            "id": "completed",
            "type": "filter",
            "label": "Completed orders",
            "params": {"condition": "status IN ('delivered', 'shipped') AND total >= ${min_total}"},
            "position": {"x": 260, "y": 0},
        },
        {
            "id": "with_customer",
            "type": "join",
            "label": "Join customers",
            "params": {"how": "inner", "on": [{"left": "customer_id", "right": "customer_id"}]},
            "position": {"x": 520, "y": 100},
        },
        {
            "id": "by_country",
            "type": "aggregate",
            "label": "Revenue by country and segment",
            "params": {
                "group_by": ["country", "segment"],
                "aggregations": [
                    {"function": "count", "alias": "orders"},
                    {"function": "sum", "column": "total", "alias": "revenue"},
                    {"function": "mean", "column": "total", "alias": "average_order"},
                ],
            },
            "position": {"x": 780, "y": 100},
        },
        {
            "id": "ranked",
            "type": "sort",
            "label": "Highest revenue first",
            "params": {"by": [{"column": "revenue", "descending": True}]},
            "position": {"x": 1040, "y": 100},
        },
        {
            "id": "output",
            "type": "write_files",
            "label": "revenue_by_country (Parquet)",
            "params": {
                "path": "lake/retail_out/revenue_by_country/",
                "format": "parquet",
                "mode": "overwrite",
                "catalog_update": "create_or_update",
                "database": DEMO_DATABASE,
                "table": "revenue_by_country",
            },
            "position": {"x": 1300, "y": 100},
        },
    ],
    "edges": [
        {"source": "orders", "target": "completed", "target_port": "in"},
        {"source": "completed", "target": "with_customer", "target_port": "left"},
        {"source": "customers", "target": "with_customer", "target_port": "right"},
        {"source": "with_customer", "target": "by_country", "target_port": "in"},
        {"source": "by_country", "target": "ranked", "target_port": "in"},
        {"source": "ranked", "target": "output", "target_port": "in"},
    ],
}


def ensure_demo_definitions() -> list[str]:
    """Create the demo database and job when missing; return what was created, for the start-up log."""
    from catalog.models import Database
    from catalog.services.databases import create_database
    from jobs.models import Job
    from jobs.runs.jobs import save_job

    created: list[str] = []
    if not Database.objects.filter(name=DEMO_DATABASE).exists():
        create_database({"name": DEMO_DATABASE, "description": "Outputs of the demo job over the retail demo lake."})
        created.append(f"catalog database {DEMO_DATABASE}")
    if not Job.objects.filter(name=DEMO_JOB).exists():
        save_job(
            None,
            {
                "name": DEMO_JOB,
                "description": "Demo: completed orders joined with customers, revenue by country and segment.",
                "graph": DEMO_GRAPH,
                "tags": ["demo"],
                # The demo is small: counting and timing every node costs nothing noticeable
                # here, and a new user sees each node's rows and duration (docs/runs.md "Node metrics").
                "node_metrics": "exact",
            },
        )
        created.append(f"job {DEMO_JOB}")
    from crawlers.demo import ensure_demo_crawler

    created.extend(ensure_demo_crawler())
    return created
