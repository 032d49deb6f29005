"""The read benchmark reads the load tools' own reports: wrk's text, vegeta's JSON."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

from bench import loadgen, reads, reads_seed
from bench.seed import WORDS

WRK = """\
Running 10s test @ http://127.0.0.1:8000
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.05ms   12.01ms   1.02s    93.50%
    Req/Sec   780.12    101.33     1.01k    70.00%
  Latency Distribution
     50%  850.00us
     75%   23.10ms
     90%   30.00ms
     99%    1.20s
  15562 requests in 10.01s, 5.02MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   1554.71
Transfer/sec:    513.20KB
"""


def test_wrk_report_gives_rate_percentiles_in_ms_and_every_error() -> None:
    figures = loadgen.parse_wrk(WRK)
    assert figures == loadgen.Figures(
        rps=1554.7, p50_ms=0.85, p99_ms=1200.0, errors=12, requests=15562
    )


def test_a_clean_wrk_report_has_no_errors() -> None:
    clean = WRK.replace("  Socket errors: connect 0, read 2, write 0, timeout 3\n", "")
    assert loadgen.parse_wrk(clean.replace("  Non-2xx or 3xx responses: 7\n", "")).errors == 0


def test_vegeta_report_gives_ms_and_counts_non_2xx_as_errors() -> None:
    report = {
        "latencies": {"50th": 1_500_000, "99th": 19_990_000},
        "requests": 5000,
        "throughput": 498.71,
        "status_codes": {"200": 4990, "503": 4, "0": 6},
    }
    assert loadgen.parse_vegeta(report, 10) == loadgen.Figures(
        rps=498.7, p50_ms=1.5, p99_ms=19.99, errors=10, requests=5000
    )


def test_vegeta_targets_carry_the_session_cookie_on_every_request() -> None:
    text = loadgen.vegeta_targets("http://h:1", ["/a", "/b"], {"Cookie": "portal_session=s"})
    assert (
        text == "GET http://h:1/a\nCookie: portal_session=s\n\n"
        "GET http://h:1/b\nCookie: portal_session=s\n\n"
    )


def test_paths_pick_customers_of_the_read_set_and_every_word() -> None:
    who = reads.Who(uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    rng = random.Random(1)
    read_set = {str(c) for c in reads_seed.read_ids(1000)}
    picked = reads.paths("/c/{customer}?a={admin}", who, 1000, rng)
    assert len(picked) == 100
    assert len(set(picked)) == 100
    assert all(p.split("/")[2].split("?")[0] in read_set for p in picked)
    assert all(p.endswith(f"?a={who.admin}") for p in picked)
    words = reads.paths("/s?q={word}", who, 1000, rng)
    assert len(words) == len(set(WORDS))
    assert len(words) == len(set(words))
    assert reads.paths("/p/{partner}", who, 1000, rng) == [f"/p/{who.partner}"]


def test_the_seed_reaches_the_partner_and_leaves_others_customers_out_of_reach() -> None:
    partner, admin, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rows = reads_seed._rows(
        0, 100, partner=partner, admin=admin, other=other, now=datetime.now(UTC)
    )
    mine = {r[1] for r in rows.reach if r[0] == partner}
    assert mine == {reads_seed.customer_id(i) for i in range(100)}
    assert len(rows.customers) == 110  # 10 % more: other partners' customers
    others = {r[0] for r in rows.customers} - mine
    assert others
    assert all(r[2] == other for r in rows.requests if r[1] in others)
    assert {r[2] for r in rows.users} == set(reads_seed.read_ids(100))
