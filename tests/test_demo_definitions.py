"""`make run`'s demo around the lake: a catalog database, a job that joins orders with customers
and aggregates them, and a crawler over the lake; created once, never overwritten, and the job
really runs on the demo lake and registers its output in the catalog."""

from __future__ import annotations

import io

import polars as pl
import pytest
from django.conf import settings
from django.core.management import call_command
from polars.testing import assert_frame_equal

from catalog.models import Table
from crawlers.models import Crawler
from glueweb.demo.definitions import DEMO_DATABASE, DEMO_JOB
from jobs.engine.compiler import run_graph
from jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


def _demo_data() -> str:
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def test_the_demo_job_and_crawler_are_created_once_and_never_overwritten() -> None:
    first = _demo_data()
    assert f"Created the demo job {DEMO_JOB}." in first
    assert "Created the demo crawler demo_retail_lake." in first
    job = Job.objects.get(name=DEMO_JOB)
    job.description = "my own words"
    job.save()

    second = _demo_data()

    assert "Created the demo" not in second
    job.refresh_from_db()
    assert (job.description, job.version, job.versions.count()) == ("my own words", 1, 1)
    crawler = Crawler.objects.get(name="demo_retail_lake")
    assert crawler.targets == [{"path": str(settings.LAKE_DIR / "retail"), "connection": ""}]


def test_the_demo_job_computes_revenue_by_country_and_registers_the_table() -> None:
    _demo_data()
    job = Job.objects.get(name=DEMO_JOB)

    result = run_graph(job.graph, {}, run_id="demo-test", node_metrics=job.node_metrics)

    assert result.succeeded, result.error or result.validation_errors
    # The demo counts and times every node, so a new user sees each node's figures.
    assert job.node_metrics == "exact"
    assert {n.node: (n.rows_out is not None, n.duration_ms is not None) for n in result.nodes} == {
        n["id"]: (True, True) for n in job.graph["nodes"]
    }
    orders = pl.read_parquet(settings.LAKE_DIR / "retail/orders/", hive_partitioning=True)
    customers = pl.read_csv(settings.LAKE_DIR / "retail/customers/customers.csv")
    expected = (
        orders.filter(pl.col("status").is_in(["delivered", "shipped"]))
        .join(customers, on="customer_id")
        .group_by("country", "segment")
        .agg(pl.len().alias("orders"), pl.col("total").sum().alias("revenue"))
        .sort("revenue", descending=True)
    )
    written = pl.read_parquet(settings.LAKE_DIR / "retail_out/revenue_by_country/")
    assert_frame_equal(
        written.select("country", "segment", "orders", "revenue"), expected, check_dtypes=False, rel_tol=1e-9
    )
    assert written.height == 18  # six countries, three segments
    table = Table.objects.get(database__name=DEMO_DATABASE, name="revenue_by_country")
    assert [c["name"] for c in table.columns] == ["country", "segment", "orders", "revenue", "average_order"]
