"""A crawler run's states and transitions, on the jobs' state machine (jobs/runs/states.py).

The machine locks the row, checks the transition, saves the fields and stores the
`crawl.state` event in one transaction, as it does for job runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawlers.models import FINISHED_STATES, CrawlerRunState
from jobs.runs.states import StateMachine

WAITING, RUNNING, STOPPING = CrawlerRunState.WAITING, CrawlerRunState.RUNNING, CrawlerRunState.STOPPING
STOPPED, SUCCEEDED, FAILED = CrawlerRunState.STOPPED, CrawlerRunState.SUCCEEDED, CrawlerRunState.FAILED
ERROR = CrawlerRunState.ERROR

# None is "a new run". STOPPING may still end SUCCEEDED or FAILED: a stop asked for while the
# catalog is being written comes too late, and the run says what really happened. ERROR is the
# reaper's: the worker died (a crawl being stopped then ends STOPPED).
CRAWL_RUN_TRANSITIONS: Mapping[str | None, frozenset[str]] = {
    None: frozenset({WAITING}),
    WAITING: frozenset({RUNNING, STOPPED}),
    RUNNING: frozenset({SUCCEEDED, FAILED, STOPPING, STOPPED, ERROR}),
    STOPPING: frozenset({STOPPED, SUCCEEDED, FAILED}),
}


def _describe(run: Any) -> dict[str, Any]:
    return {"crawler": run.crawler.name, "dry_run": run.dry_run}


CRAWL_RUNS = StateMachine(
    transitions=CRAWL_RUN_TRANSITIONS,
    final=frozenset(FINISHED_STATES),
    event_kind="crawl",
    event_type="crawl.state",
    stamps={RUNNING: "started_at"},
    describe=_describe,
)
