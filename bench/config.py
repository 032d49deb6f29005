"""How long and how big: the full run and the quick harness check."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    name: str
    phase_seconds: float  # each measured pipeline phase (max and every fixed rate)
    rate_fractions: tuple[float, ...]  # fixed rates, as fractions of the measured maximum
    customers: int  # registered through Kafka for the pipeline
    trial_services: int  # bench catalogue services; a customer redeems each once
    partners: int
    max_in_flight: int  # full-speed phase: sent but not yet completed, at most
    read_levels: tuple[int, ...]  # customers in the directory for the gateway reads
    read_seconds: float  # per endpoint and level
    read_clients: int
    scale_warmup_seconds: float
    warmup_seconds: float
    drain_timeout: float

    @property
    def redemptions_available(self) -> int:
        return self.customers * self.trial_services


FULL = Config(
    name="full",
    phase_seconds=30.0,
    rate_fractions=(0.25, 0.5, 0.75),
    customers=3_000,
    trial_services=200,  # 600,000 redemptions: the bare baseline took 265,000 in one idle run
    partners=10,
    max_in_flight=2_000,
    read_levels=(10_000, 100_000, 1_000_000),
    read_seconds=10.0,
    read_clients=32,
    scale_warmup_seconds=8.0,
    warmup_seconds=3.0,
    drain_timeout=120.0,
)

QUICK = Config(
    name="quick",
    phase_seconds=2.0,
    rate_fractions=(0.25, 0.5, 0.75),
    customers=600,
    trial_services=24,  # 14,400 redemptions: an idle machine ran out of 4,800
    partners=2,
    max_in_flight=400,
    read_levels=(1_000,),
    read_seconds=1.0,
    read_clients=32,
    scale_warmup_seconds=2.0,
    warmup_seconds=1.0,
    drain_timeout=60.0,
)
