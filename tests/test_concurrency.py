"""The audit's threads: results in a fixed order, errors where they are awaited, shared frames built once, and
the same report on one core as on two."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from healthcheck import concurrency
from healthcheck.audit import run_audit
from healthcheck.concurrency import beside, ordered_map, pool
from healthcheck.config import Config
from healthcheck.model import AuditData
from healthcheck.report.document import document

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two cores, and every account large enough for threads (the sample account is not, by far)."""
    monkeypatch.setattr(concurrency, "workers", lambda: 2)
    monkeypatch.setattr(concurrency, "LARGE_ROWS", 0)
    monkeypatch.setattr(concurrency, "LARGE_BYTES", 0)


def test_ordered_map_keeps_the_order_of_the_items_whichever_finishes_first(two_cores: None) -> None:
    def slow_first(n: int) -> int:
        time.sleep(0.05 if n == 0 else 0)
        return n * 10

    with pool(5, "test") as executor:
        assert executor is not None
        assert ordered_map(executor, slow_first, range(5)) == [0, 10, 20, 30, 40]


@pytest.mark.parametrize("tasks", [0, 1])
def test_no_pool_for_a_single_task(two_cores: None, tasks: int) -> None:
    with pool(tasks, "test") as executor:
        assert executor is None
        assert ordered_map(executor, str, [1, 2]) == ["1", "2"]


def test_no_pool_on_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(concurrency, "workers", lambda: 1)
    with pool(9, "test") as executor:
        assert executor is None


def test_small_work_stays_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(concurrency, "workers", lambda: 2)
    assert not concurrency.worth_threads(rows=1_000, size=100_000)
    assert concurrency.worth_threads(rows=1_000_000) and concurrency.worth_threads(size=1 << 30)
    with pool(9, "test", large=False) as executor:
        assert executor is None


def test_beside_runs_on_another_thread_and_returns_its_result(two_cores: None) -> None:
    started = threading.Event()

    def name() -> str:
        started.set()
        return threading.current_thread().name

    with pool(2, "test") as executor:
        wait = beside(executor, name)
        assert started.wait(5)
        assert wait().startswith("healthcheck-test")
        assert wait().startswith("healthcheck-test")  # the result is kept, never computed again


def test_a_task_no_pool_thread_has_started_runs_on_the_waiting_thread(two_cores: None) -> None:
    release = threading.Event()
    with pool(2, "test") as executor:
        assert executor is not None  # two cores: a pool
        busy = [executor.submit(release.wait) for _ in range(2)]  # both pool threads are taken
        wait = beside(executor, lambda: threading.current_thread().name)
        assert wait() == threading.current_thread().name
        names = ordered_map(executor, lambda _: threading.current_thread().name, range(3))
        assert names == [threading.current_thread().name] * 3
        release.set()
        assert all(f.result() for f in busy)


def test_beside_without_a_pool_runs_when_awaited() -> None:
    calls: list[int] = []

    def call() -> int:
        calls.append(1)
        return len(calls)

    wait = beside(None, call)
    assert calls == []
    assert wait() == 1


def test_ordered_map_starts_the_shared_builds_first_and_drops_their_results(two_cores: None) -> None:
    order: list[str] = []

    def item(i: int) -> int:
        order.append(f"item {i}")
        return i * 2

    for executor_wanted in (False, True):
        order.clear()
        with pool(2, "test", large=executor_wanted) as executor:
            got = ordered_map(executor, item, [1, 2], first=[lambda: order.append("shared")])
        assert got == [2, 4]
        assert sorted(order) == ["item 1", "item 2", "shared"]
    with pool(2, "test") as executor, pytest.raises(ValueError, match="shared"):
        ordered_map(executor, str, [1], first=[lambda: (_ for _ in ()).throw(ValueError("shared"))])


def test_an_error_on_the_other_thread_is_raised_where_it_is_awaited(two_cores: None) -> None:
    def fails() -> int:
        raise ValueError("boom")

    with pool(2, "test") as executor:
        wait = beside(executor, fails)
        with pytest.raises(ValueError, match="boom"):
            wait()


def test_a_derived_frame_is_built_once_when_threads_ask_at_the_same_time(
    two_cores: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    data = _sample_data()
    builds: list[int] = []

    def build() -> int:
        time.sleep(0.05)  # long enough for the other thread to ask meanwhile
        builds.append(1)
        return 42

    source = object()
    with pool(4, "test") as executor:
        got = ordered_map(executor, lambda _: data.derived("answer", source, build), range(4))
    assert got == [42] * 4 and builds == [1]
    assert data.derived("answer", object(), lambda: 7) == 7  # another source: built afresh


def _sample_data() -> AuditData:
    from healthcheck.audit import calendar_for
    from healthcheck.loaders import load_inputs
    from healthcheck.marketplaces import get_marketplace
    from healthcheck.schedule import audit_data

    market = get_marketplace("US")
    loaded = load_inputs([Path("sample_reports")], marketplace=market)
    return audit_data(loaded, market, Config(), calendar_for(market, Config()))


def test_the_report_is_the_same_on_one_core_as_on_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(concurrency, "LARGE_ROWS", 0)  # threads even for the small sample account
    monkeypatch.setattr(concurrency, "LARGE_BYTES", 0)
    started: list[str] = []
    monkeypatch.setattr(concurrency, "ThreadPoolExecutor", _recording(started))
    documents = []
    for cores in (1, 2):
        monkeypatch.setattr(concurrency, "workers", lambda cores=cores: cores)
        report = run_audit([Path("sample_reports")], config=Config(), now=NOW)
        documents.append(json.dumps(document(report), indent=2))
    assert documents[0] == documents[1]
    assert sorted(set(started)) == ["audit", "load", "model"]  # the second run did use threads


def _recording(started: list[str]) -> type[ThreadPoolExecutor]:
    class Recording(ThreadPoolExecutor):
        def __init__(self, max_workers: int, thread_name_prefix: str) -> None:
            started.append(thread_name_prefix.removeprefix("healthcheck-"))
            super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)

    return Recording
