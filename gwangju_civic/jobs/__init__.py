"""Background jobs: Huey carries the messages, the `job_runs` table makes every job at-least-once and visible.

Huey alone is at-most-once (a consumer killed mid-task loses the task), so each message only names a
`JobRun` row; the row's lease and the periodic reconciliation re-send work whose worker died. See docs/jobs.md.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Point the queue at this app's storage and register the job kinds and tasks (so web processes can submit)."""
    from gwangju_civic.jobs import admin, kinds, queue, tasks  # noqa: F401  (registering)

    queue.configure(app)
