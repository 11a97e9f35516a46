"""The typed registry of every Prometheus metric qrstack exports.

Each app owns one `CollectorRegistry` (no global default registry), created through the
class for its service; the class attributes are the metric names, so a name lives in one place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Tally(Collector):
    """A labelled counter kept as plain integers (`counts[label] += 1`, no lock, no call) and
    read when the registry is scraped: for counts taken on a hot path."""

    def __init__(
        self, name: str, documentation: str, label: str, registry: CollectorRegistry
    ) -> None:
        self._name, self._documentation, self._label = name, documentation, label
        self.counts: dict[str, int] = {}
        registry.register(self)

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(self._name, self._documentation, labels=[self._label])
        for value, count in self.counts.items():
            family.add_metric([value], count)
        yield family


def _event_loop_tasks() -> float:
    try:
        return float(len(asyncio.all_tasks()))
    except RuntimeError:  # scraped outside an event loop
        return 0.0


class ServiceMetrics:
    """Metrics every service exports."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        self.http_requests = Counter(
            "qr_http_requests_total",
            "HTTP requests answered, by route and status class.",
            ["route", "status"],
            registry=self.registry,
        )
        self.http_latency = Histogram(
            "qr_http_request_seconds",
            "HTTP request latency by route.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.ready = Gauge(
            "qr_ready", "1 when the service is ready to serve.", registry=self.registry
        )
        self.event_loop_tasks = Gauge(
            "qr_event_loop_tasks",
            "Tasks alive on the event loop that answers the scrape (steady under steady load; "
            "a count that keeps growing is a leak).",
            registry=self.registry,
        )
        self.event_loop_tasks.set_function(_event_loop_tasks)
        # Labelled children looked up once per (route, status class): `.labels()` takes a lock
        # and builds a key on every call, a measurable share of a redirect's cost.
        self._request_children: dict[tuple[str, int], tuple[Counter, Histogram]] = {}

    def observe_request(self, route: str, status: int, seconds: float) -> None:
        status_class = status // 100
        children = self._request_children.get((route, status_class))
        if children is None:
            children = (
                self.http_requests.labels(route, f"{status_class}xx"),
                self.http_latency.labels(route),
            )
            self._request_children[(route, status_class)] = children
        children[0].inc()
        children[1].observe(seconds)


class ApiMetrics(ServiceMetrics):
    def __init__(self) -> None:
        super().__init__("api")
        self.outbox_published = Counter(
            "qr_outbox_published_total",
            "Outbox rows published to Kafka.",
            ["topic"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "qr_outbox_pending", "Outbox rows not yet published.", registry=self.registry
        )
        self.outbox_oldest_pending = Gauge(
            "qr_outbox_oldest_pending_timestamp_seconds",
            "Creation time of the oldest outbox row not yet published; 0 when none waits.",
            registry=self.registry,
        )
        self.auth_failures = Counter(
            "qr_auth_failures_total",
            "Requests refused by authentication, by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.sessions_opened = Counter(
            "qr_sessions_opened_total",
            "Sign-in sessions opened by a Basic sign-in.",
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "qr_rate_limited_total",
            "Requests refused with 429, by rate-limit rule.",
            ["rule"],
            registry=self.registry,
        )
        self.rate_limit_decisions = Counter(
            "qr_rate_limit_decisions_total",
            "Rate-limit counts, by store (shared: PostgreSQL; local: this replica's memory).",
            ["store"],
            registry=self.registry,
        )
        self.rate_limit_shared_failures = Counter(
            "qr_rate_limit_shared_failures_total",
            "Times the shared rate-limit counter was slow or unreachable (each starts a "
            "cooldown of local decisions).",
            registry=self.registry,
        )
        self.rate_limit_seconds = Histogram(
            "qr_rate_limit_seconds",
            "Latency of one shared rate-limit count.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )


class RedirectMetrics(ServiceMetrics):
    def __init__(self) -> None:
        super().__init__("redirect")
        self.scans = Tally("qr_scans", "Scans answered, by outcome.", "outcome", self.registry)
        self.table_codes = Gauge(
            "qr_slug_table_codes", "Codes held in the slug table.", registry=self.registry
        )
        self.table_lag = Gauge(
            "qr_slug_table_lag_records",
            "Records of the table topics not yet applied.",
            registry=self.registry,
        )
        self.scan_buffer = Gauge(
            "qr_scan_buffer_events", "Scan events waiting to be produced.", registry=self.registry
        )
        self.scans_spooled = Counter(
            "qr_scans_spooled_total",
            "Scan events written to the local spool while Kafka was unreachable.",
            registry=self.registry,
        )
        self.spool_bytes = Gauge(
            "qr_scan_spool_bytes",
            "Bytes of scan events in the local spool, waiting for Kafka.",
            registry=self.registry,
        )
        self.spool_max_bytes = Gauge(
            "qr_scan_spool_max_bytes",
            "The spool's bound (SCAN_SPOOL_MAX_BYTES): past it the oldest segment is dropped.",
            registry=self.registry,
        )
        self.scans_produced = Counter(
            "qr_scans_produced_total", "Scan events produced to Kafka.", registry=self.registry
        )
        self.scans_dropped = Counter(
            "qr_scans_dropped_total",
            "Scan events answered but never sent, by reason: spool_full (the spool's bound "
            "dropped its oldest segment), torn (a line cut by a crash), write_failed (the disk "
            "refused the spool write), unreadable (a spooled line that is not a scan event).",
            ["reason"],
            registry=self.registry,
        )
        self.worker = Gauge(
            "qr_redirect_worker",
            "The worker index of the process that answered this scrape (REDIRECT_WORKERS > 1); "
            "-1 for a redirect serving alone.",
            registry=self.registry,
        )
        self.table_rejected = Gauge(
            "qr_slug_table_rejected_records",
            "Table records skipped because they do not validate or cannot be served.",
            registry=self.registry,
        )
        self.table_ready = Gauge(
            "qr_slug_table_ready",
            "1 once the table caught up with the end offsets taken at start.",
            registry=self.registry,
        )
        self.cap_checks = Tally(
            "qr_scan_cap_checks",
            "Counted scans of capped codes, by verdict (granted from a lease; reached; "
            "unavailable: no lease to be had in time, answered as reached).",
            "verdict",
            self.registry,
        )
        self.gate_attempts = Counter(
            "qr_gate_attempts_total",
            "Password gate submissions, by result (passed, failed, limited).",
            ["result"],
            registry=self.registry,
        )
        self.form_submissions = Counter(
            "qr_form_submissions_total",
            "Form page submissions, by result (stored, invalid, limited, unavailable).",
            ["result"],
            registry=self.registry,
        )


class RendererMetrics(ServiceMetrics):
    def __init__(self) -> None:
        super().__init__("renderer")
        self.renders = Counter(
            "qr_renders_total",
            "Images rendered, by format and cache result.",
            ["format", "cache"],
            registry=self.registry,
        )
        self.render_seconds = Histogram(
            "qr_render_seconds",
            "Time to render one image on a cache miss, by format.",
            ["format"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.refused = Counter(
            "qr_renders_refused_total",
            "Render requests refused as invalid or unscannable.",
            registry=self.registry,
        )
        self.cache_bytes = Gauge(
            "qr_render_cache_bytes",
            "Bytes held by the rendered-image cache.",
            registry=self.registry,
        )
        self.logo_fetches = Counter(
            "qr_logo_fetches_total",
            "Logo URL fetches, by outcome (ok, refused, failed).",
            ["outcome"],
            registry=self.registry,
        )


class AnalyticsMetrics(ServiceMetrics):
    def __init__(self) -> None:
        super().__init__("analytics")
        self.ingested = Counter(
            "qr_scans_ingested_total", "Scan events inserted.", registry=self.registry
        )
        self.batch_size = Histogram(
            "qr_ingest_batch_size",
            "Events per inserted batch.",
            buckets=(1, 10, 100, 1000, 5000, 10000, 50000),
            registry=self.registry,
        )
        self.insert_latency = Histogram(
            "qr_ingest_insert_seconds",
            "Latency of one batch insert.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.lag = Gauge(
            "qr_ingest_lag_records",
            "Scan events in Kafka not yet inserted.",
            registry=self.registry,
        )
        self.duplicates = Counter(
            "qr_ingest_duplicates_total",
            "Scan events dropped because their scan id was already stored (replays, redeliveries).",
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "qr_ingest_dead_letters_total",
            "Records that are not valid scan events, sent to the dead-letter topic.",
            registry=self.registry,
        )
        self.insert_failures = Counter(
            "qr_ingest_insert_failures_total",
            "Failed attempts to write a batch (the batch is kept and retried).",
            registry=self.registry,
        )
        self.commit_failures = Counter(
            "qr_ingest_commit_failures_total",
            "Offset commits that failed or took longer than 10 s after a batch was stored (its "
            "records may come again and are deduplicated).",
            registry=self.registry,
        )
        self.ingest_paused = Gauge(
            "qr_ingest_paused",
            "1 while consumption is paused because ClickHouse is not accepting the batch.",
            registry=self.registry,
        )
        self.last_insert = Gauge(
            "qr_ingest_last_insert_timestamp_seconds",
            "Unix time of the last successful batch insert.",
            registry=self.registry,
        )
        self.query_latency = Histogram(
            "qr_analytics_query_seconds",
            "Latency of one analytics answer (all its ClickHouse queries), by kind.",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )


class WebhookMetrics(ServiceMetrics):
    def __init__(self) -> None:
        super().__init__("webhooks")
        self.events_consumed = Counter(
            "qr_webhook_events_consumed_total",
            "Kafka records read by the delivery worker's fan-out, by topic.",
            ["topic"],
            registry=self.registry,
        )
        self.deliveries_queued = Counter(
            "qr_webhook_deliveries_queued_total",
            "Deliveries queued in PostgreSQL by the fan-out.",
            registry=self.registry,
        )
        self.attempts = Counter(
            "qr_webhook_attempts_total",
            "Delivery attempts by outcome (delivered, retry, failed, gone, refused).",
            ["outcome"],
            registry=self.registry,
        )
        self.attempt_latency = Histogram(
            "qr_webhook_attempt_seconds",
            "Time from sending a webhook request to its answer (or timeout).",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "qr_webhook_in_flight", "Webhook requests in flight.", registry=self.registry
        )
        self.disabled = Counter(
            "qr_webhook_endpoints_disabled_total",
            "Endpoints disabled by the worker, by reason (failing, gone).",
            ["reason"],
            registry=self.registry,
        )
