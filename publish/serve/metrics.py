"""Prometheus metrics of one app (its own registry, so two apps in a test do not mix)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "bomay_queries", "Queries answered", ["outcome"], registry=self.registry
        )
        self.refusals = Counter(
            "bomay_refusals", "Requests refused, by reason", ["reason"], registry=self.registry
        )
        self.timeouts = Counter(
            "bomay_query_timeouts", "Queries stopped at the time limit", registry=self.registry
        )
        self.in_flight = Gauge(
            "bomay_queries_in_flight",
            "Endpoint queries accepted and not yet answered (running or waiting for a worker)",
            registry=self.registry,
        )
        self.duration = Histogram(
            "bomay_query_seconds", "Query wall-clock time", registry=self.registry
        )
