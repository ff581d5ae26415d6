"""Job runs: starting, executing on a worker, stopping, retrying, timing out and reaping (docs/runs.md).

- states.py: the transition table and the one function that moves a run (shared with crawler runs).
- jobs.py: saving jobs, which records an immutable JobVersion each time.
- start.py: starting (WAITING or STARTING) and admitting waiting runs when a slot frees.
- stop.py: stop requests.
- execute.py: what the Celery task does: the graph runs in a child process the task can kill.
- child.py: the child process's side.
- finish.py: final states, node records, retries.
- reaper.py: runs whose worker died or went quiet.
- staging.py: discarding the staged output of a run that did not succeed.
- logs.py: run.log events and the downloadable log.
"""
