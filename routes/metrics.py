"""GET /metrics: this process's live delivery in Prometheus' text format (counts only, no
organisation or person in them), for dashboards, the live benchmark and the tests."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from schema.extensions.compiled_execution import counters as compiled
from services import gc_tuning
from subscriptions import direct, feed, keepalive
from subscriptions.shared_execution import results


def _lines() -> list[str]:
    figures = [
        ("ouderlink_ws_connections", "gauge", keepalive.connection_count()),
        ("ouderlink_live_feeds", "gauge", len(feed._feeds)),
        ("ouderlink_live_direct_subscriptions", "gauge", direct.counters.subscriptions),
        ("ouderlink_live_direct_handed_over_total", "counter", direct.counters.handed_over),
        ("ouderlink_live_direct_frames_total", "counter", direct.counters.frames),
        ("ouderlink_live_task_executions_total", "counter", results.executions),
        ("ouderlink_live_task_shared_results_total", "counter", results.shared),
        ("ouderlink_gc_refreezes_total", "counter", gc_tuning.refreezes),
        ("ouderlink_compiled_queries_total", "counter", compiled.answered),
        ("ouderlink_compiled_query_fallbacks_total", "counter", compiled.fell_back),
    ]
    lines = []
    for name, kind, value in figures:
        lines += [f"# TYPE {name} {kind}", f"{name} {value}"]
    gc_runs = gc_tuning.collections
    for name, values in (
        ("ouderlink_gc_collections_total", gc_runs.counts),
        ("ouderlink_gc_seconds_total", gc_runs.seconds),
    ):
        lines.append(f"# TYPE {name} counter")
        lines += [f'{name}{{generation="{g}"}} {v}' for g, v in enumerate(values)]
    return lines


async def metrics(request: Request) -> PlainTextResponse:
    return PlainTextResponse(
        "\n".join(_lines()) + "\n",
        media_type="text/plain; version=0.0.4",
        headers={"Cache-Control": "no-store"},
    )


def routes() -> list[Route]:
    return [Route("/metrics", metrics, methods=["GET"])]
