"""The audit, end to end: inputs to a frozen `AuditReport` (SPEC 2, 4, 5.2). No printing, no exiting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

from healthcheck.actions import Action
from healthcheck.config import Config
from healthcheck.context import (
    MarketplaceChoice,
    MarketplaceConflict,
    before_data_warning,
    choose_marketplace,
    cut_at,
    default_as_of,
    future_date_warning,
    mismatch_warning,
    orders_end_warning,
    past_data_warning,
)
from healthcheck.errors import InputProblem
from healthcheck.insights import Insights, OrderFact, order_facts
from healthcheck.loaders import LoadResult, Progress, load_inputs, order_ids
from healthcheck.loaders.decode import SHIFT_JIS_MARKETPLACE
from healthcheck.loaders.kinds import KINDS_BY_NAME
from healthcheck.marketplaces import DEFAULT_MARKETPLACE, Marketplace, chosen_marketplace, get_marketplace
from healthcheck.metrics import MetricResult, resolve
from healthcheck.metrics.base import Measurement, Status
from healthcheck.metrics.registry import rule_notes
from healthcheck.metrics.rules import measured_in
from healthcheck.model import PLACED_REPORTS, member
from healthcheck.orders import ORDER_SOURCES
from healthcheck.outcome import ExitCode, FailOn, OverallStatus, exit_code, overall_status
from healthcheck.plan import Plan
from healthcheck.portfolio.split import split_account
from healthcheck.sanitize import problem_text
from healthcheck.schedule import audit_data, follow_up, measure
from healthcheck.shipcal import OperatingCalendar
from healthcheck.wording import AS_OF_GIVEN, plural


@dataclass(frozen=True)
class Buyer:
    """Who to contact about an order; exists only when the user passed --show-pii."""

    name: str
    email: str
    phone: str


def buyer_contacts(loaded: LoadResult, named: Iterable[str]) -> dict[str, Buyer]:
    """Buyer details from the order report (the download that carries them), for the orders a worklist names."""
    import pandas as pd

    frame = loaded.frame("order_report")
    if frame is None or not {"buyer_name", "buyer_email", "buyer_phone"} & set(frame.columns):
        return {}
    ids = order_ids(frame)
    chosen = member(ids, pd.Series(sorted(set(named)), dtype=object))
    wanted = frame.loc[chosen].assign(order_id=ids.loc[chosen]).drop_duplicates("order_id")
    columns = {
        name: wanted.get(name, pd.Series("", index=wanted.index)).fillna("").astype("str")
        for name in ("buyer_name", "buyer_email", "buyer_phone")
    }
    return {
        str(order): Buyer(name, email, phone)
        for order, name, email, phone in zip(
            wanted["order_id"], columns["buyer_name"], columns["buyer_email"], columns["buyer_phone"], strict=True
        )
    }


V = TypeVar("V")


class LazyMapping(Mapping[str, V]):
    """A mapping built on first use. The worklist's facts per named order take half a second on a large account,
    and only the CSV format reads them: a JSON or table run never pays for them."""

    def __init__(self, build: Callable[[], Mapping[str, V]]) -> None:
        self._build: Callable[[], Mapping[str, V]] | None = build
        self._built: Mapping[str, V] = {}

    def _mapping(self) -> Mapping[str, V]:
        if self._build is not None:
            self._built, self._build = self._build(), None  # and let go of what it was built from
        return self._built

    def __getitem__(self, key: str) -> V:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())


@dataclass(frozen=True)
class AuditReport:
    generated_at: dt.datetime
    as_of: dt.date
    as_of_source: str  # where the as-of day came from, in words
    marketplace: Marketplace
    metrics: tuple[MetricResult, ...]
    actions: tuple[Action, ...]
    inputs: tuple[dict[str, Any], ...]
    unmatched_defects: tuple[dict[str, str], ...]
    errors: tuple[InputProblem, ...]
    warnings: tuple[str, ...]
    seller_performance: tuple[tuple[str, dict[str, Any]], ...]
    insights: Insights
    # The orders named by a metric's problems or an action, for the worklist (CSV): dates and SKUs, no buyer data.
    order_facts: Mapping[str, OrderFact]
    # Buyer contact details of those orders, only with --show-pii (otherwise never even read from the files).
    buyers: Mapping[str, Buyer] = field(default_factory=dict)
    marketplace_source: str = "from --marketplace"
    # Why nothing could be checked when no other report would help: a given --as-of before every date in the files,
    # or files that name several marketplaces (the audit stopped before measuring).
    nothing_checked: str | None = None
    # The draft plan of action of each metric in breach (healthcheck/plan/), in the metrics' order.
    plans: tuple[Plan, ...] = ()

    def plan_for(self, metric_id: str) -> Plan | None:
        return next((p for p in self.plans if p.result.id == metric_id), None)

    @property
    def status(self) -> OverallStatus:
        return overall_status(self.metrics, bool(self.errors))

    @property
    def unknown_reason(self) -> str | None:
        """Why nothing could be checked, naming the reports to add (SPEC 5.2, rev 2); None when something was."""
        if any(r.recomputed and not r.spec.informational for r in self.metrics):
            return None
        wanted: dict[str, None] = {}
        for result in self.metrics:
            if not result.spec.informational and result.spec.recomputable:
                wanted.update(dict.fromkeys(result.missing_inputs))
        if self.nothing_checked:
            return f"nothing could be checked: {self.nothing_checked}"
        failed = ""
        if self.errors:
            # What went wrong with the files given comes first: with none read, it is the whole reason (a path that
            # does not exist is not fixed by adding reports).
            failed = f"{plural(len(self.errors), 'input error')} ({problem_text(self.errors[0])})"
            if not self.inputs:
                return f"nothing could be checked: {failed}"
            failed += "; "
        add = ", ".join(report_name(kind) for kind in wanted) or "reports whose dates reach the windows"
        dates = ""
        if not wanted and self.as_of_source == AS_OF_GIVEN:
            dates = f" (the windows end on {self.as_of}: is --as-of past the data?)"
        elif not wanted:
            dates = f" (the windows end on {self.as_of}, {self.as_of_source}: if that date is wrong, correct it)"
        amazon = [r.spec.title for r in self.metrics if r.rate is not None and not r.recomputed]
        # Amazon's own figures were read, but they are Amazon's word, not a check of the seller's files.
        shown = f" (Amazon's own figures are shown: {', '.join(amazon)})" if amazon else ""
        return f"nothing could be checked: {failed}no metric with a target was evaluated{shown}. Add {add}{dates}"

    def exit_code(self, fail_on: FailOn = FailOn.AT_RISK) -> ExitCode:
        return exit_code(self.status, fail_on)


def report_name(kind: str) -> str:
    """`all_orders` -> `the All Orders report (all_orders)`: what a seller downloads."""
    spec = KINDS_BY_NAME.get(kind)
    return f"the {spec.short_title} ({kind})" if spec else kind


def resolve_marketplace(option: str | None, config: Config) -> Marketplace:
    """The option wins over the config file; US when neither says (SPEC 2)."""
    return chosen_marketplace(option, config.marketplace)


def calendar_for(marketplace: Marketplace, config: Config) -> OperatingCalendar:
    return OperatingCalendar(
        country=marketplace.holiday_country,
        operating_days=config.operating_days,
        closed_dates=config.closed_dates,
        cutoff=config.order_cutoff,
    )


# The audit's stages, in order, as `on_stage` names them when each ends (bench/stages.py probes time and memory).
STAGES = ("read the files", "as-of and cut", "model", "metrics and their events", "insights, actions and plans")
StageHook = Callable[[str], None]


def _no_stage(name: str) -> None:
    """No probe."""


def run_audit(
    paths: Sequence[Path],
    *,
    config: Config,
    marketplace: str | None = None,
    as_of: dt.date | None = None,
    encoding: str | None = None,
    strict: bool = False,
    show_pii: bool = False,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    on_stage: StageHook | None = None,
    several_marketplaces: Literal["report", "raise"] = "report",
) -> AuditReport:
    """Load, model, evaluate every metric, recommend actions, and add headroom, recovery, trend and reconcile.
    `on_stage(name)` is called as each of the `STAGES` ends. Files that name several marketplaces stop the audit:
    its report says so (`report`), or `MarketplaceConflict` is raised for a caller that splits them (`raise`)."""
    now = now or dt.datetime.now(dt.UTC)
    given = marketplace or config.marketplace
    market = resolve_marketplace(marketplace, config)
    undecided = not given and encoding is None
    loaded = load_inputs(
        paths, marketplace=market, encoding=encoding, include_pii=show_pii, progress=progress, undecided=undecided
    )
    try:
        choice = choose_marketplace(
            market.code if given else None, "--marketplace" if marketplace else "the config file", loaded
        )
    except MarketplaceConflict as conflict:
        if several_marketplaces == "raise":
            raise
        return _stopped(conflict, loaded, market, paths=paths, config=config, as_of=as_of, now=now)
    if choice.given_orders:
        # The files name the given marketplace and others: its share alone is audited, split as a portfolio splits
        # them, from the files read as each (SPEC 2 makes the mismatch a warning; the other marketplaces' orders are
        # no part of this one's rates, and a German feedback file is no bad file of an American audit).
        readings = {choice.code: loaded}
        for code in choice.channel_counts:
            other = get_marketplace(code)
            readings[code] = load_inputs(paths, marketplace=other, encoding=encoding, include_pii=show_pii)
        loaded = split_account(readings, given=choice.code)[choice.code]
    guessed = undecided and market.code != SHIFT_JIS_MARKETPLACE and any(i.encoding == "cp932" for i in loaded.inputs)
    if choice.code != market.code or guessed:
        # The files name another marketplace: its time zone, date formats and encodings read them. Files read as
        # Japanese only to find the marketplace are read again as the one decided (an error unless it is JP).
        market = get_marketplace(choice.code)
        loaded = load_inputs(paths, marketplace=market, encoding=encoding, include_pii=show_pii, progress=progress)
    (on_stage or _no_stage)(STAGES[0])
    return audit_loaded(
        loaded,
        market,
        choice,
        paths=paths,
        config=config,
        as_of=as_of,
        strict=strict,
        show_pii=show_pii,
        now=now,
        on_stage=on_stage,
    )


def _stopped(
    conflict: MarketplaceConflict,
    loaded: LoadResult,
    market: Marketplace,
    *,
    paths: Sequence[Path],
    config: Config,
    as_of: dt.date | None,
    now: dt.datetime,
) -> AuditReport:
    """The report of an audit that stops before measuring (SPEC 2: the files name several marketplaces), written
    in every format all the same (SPEC 5.2: the JSON whatever the status): UNKNOWN, the conflict as its error and
    its reason, every metric not evaluated. Nothing is measured on the mixed files, not even in part."""
    why = str(conflict)
    nothing = load_inputs([], marketplace=market)
    nothing.problems.append(InputProblem("several_marketplaces", ", ".join(map(str, paths)), why))
    undecided = f"not decided: the files name several marketplaces; the windows shown are {market.code}'s"
    choice = MarketplaceChoice(market.code, undecided, False, {})
    if as_of is not None:
        day, source = as_of, AS_OF_GIVEN
    else:
        day, source = default_as_of(loaded, market.timezone, now.astimezone(dt.UTC).date())
    report = audit_loaded(
        nothing, market, choice, paths=paths, config=config, as_of=day, strict=False, show_pii=False, now=now
    )
    stopped = Measurement.not_evaluated("the audit stopped: the files name several marketplaces (see its error)")
    metrics = tuple(replace(result, measurement=stopped, missing_inputs=()) for result in report.metrics)
    return replace(report, metrics=metrics, as_of_source=source, warnings=(), nothing_checked=why)


def audit_loaded(
    loaded: LoadResult,
    market: Marketplace,
    choice: MarketplaceChoice,
    *,
    paths: Sequence[Path],
    config: Config,
    as_of: dt.date | None,
    strict: bool,
    show_pii: bool,
    now: dt.datetime,
    on_stage: StageHook | None = None,
) -> AuditReport:
    """The audit of inputs already read as `market`: what `run_audit` does once the files are loaded. A
    portfolio calls it with one marketplace's share of an account that mixes several (`portfolio.split`)."""
    timezone = market.timezone
    warnings: list[str] = []
    early: str | None = None
    if as_of is not None:
        effective_as_of, source = as_of, AS_OF_GIVEN
        early = before_data_warning(loaded, timezone, as_of)
        past = past_data_warning(loaded, timezone, as_of)
        ahead = None if past else orders_end_warning(loaded, timezone, as_of, AS_OF_GIVEN)
        warnings += [w for w in (early, past, ahead) if w]
    else:
        today = now.astimezone(dt.UTC).date()
        effective_as_of, source = default_as_of(loaded, timezone, today)
        if (future := future_date_warning(effective_as_of, source, today)) is not None:
            warnings.append(future)
        if (ahead := orders_end_warning(loaded, timezone, effective_as_of, source)) is not None:
            warnings.append(ahead)
    cut_at(loaded, effective_as_of, timezone)
    stage = on_stage or _no_stage
    stage(STAGES[1])
    calendar = calendar_for(market, config)
    specs = resolve(config, marketplace=market.code, as_of=effective_as_of)
    # After the model only the metrics that say so read an order report's or a placed report's rows (and --show-pii
    # the buyers').
    kept = {kind for spec in specs for kind in spec.reads_rows} | ({"order_report"} if show_pii else set())
    released = [kind for kind in (*ORDER_SOURCES, *PLACED_REPORTS) if kind not in kept]
    data = audit_data(loaded, market, config, calendar, release=released)
    stage(STAGES[2])
    measured = measure(specs, data, effective_as_of)
    stage(STAGES[3])
    # A metric Amazon does not measure here (the invoice defect rate outside the EU) is shown only when Amazon's
    # report states it anyway, never as a "not evaluated" line on every audit.
    here, day = market.code, effective_as_of
    measured = [(r, e) for r, e in measured if r.status is not Status.NOT_EVALUATED or measured_in(r.id, here, day)]
    results = [result for result, _ in measured]
    events = {result.id: found for result, found in measured if found is not None}
    insights, actions, plans = follow_up(data, results, effective_as_of, loaded.seller_performance, events)
    stage(STAGES[4])
    problems = list(loaded.problems)
    if not loaded.inputs and not problems:
        # What was given was all skipped: say why (the notes do), and what to give instead.
        where = ", ".join(map(str, paths))
        why = f"see the {len(loaded.notes)} notes" if len(loaded.notes) > 1 else "".join(loaded.notes)
        why = why.removeprefix(f"{where}: ")  # the note of the one file named: the problem names it already
        problems.append(
            InputProblem(
                "no_reports",
                where,
                f"no report files were found{f' ({why})' if why else ''}; give the files or the folder of your "
                "Seller Central downloads",
            )
        )
    if strict:
        # SPEC 5.5: with --strict a metric left unevaluated for lack of input is an error, not a quiet gap. A number
        # only Amazon's report states (issue 15) is not a gap in the seller's files: no download completes it.
        problems += [
            InputProblem("missing_input", "(inputs)", f"{r.id} was not evaluated: {r.measurement.reason}")
            for r in results
            if r.measurement.reason is not None and r.spec.recomputable
        ]
    mismatch = mismatch_warning(choice)
    if not choice.given and not choice.channel_counts and choice.code == DEFAULT_MARKETPLACE:
        warnings.append(f"marketplace {choice.code}: {choice.source}")
    warnings = [*data.warnings, *([mismatch] if mismatch else []), *warnings, *loaded.notes, *insights.notes]
    warnings += rule_notes(specs, config, market.code, effective_as_of)
    named = [i for a in actions for i in a.order_ids] + [i for r in results for i in r.measurement.problem_order_ids]
    return AuditReport(
        generated_at=now,
        as_of=effective_as_of,
        as_of_source=source,
        marketplace=market,
        metrics=tuple(results),
        actions=tuple(actions),
        inputs=tuple(i.to_dict() for i in data.file_notes.input_summaries(loaded.inputs)),
        unmatched_defects=tuple(data.unmatched_defects),
        errors=tuple(problems),
        warnings=tuple(warnings),
        seller_performance=tuple(loaded.seller_performance),
        insights=insights,
        order_facts=LazyMapping(lambda: order_facts(data, named)),
        buyers=buyer_contacts(loaded, named) if show_pii else {},
        marketplace_source=choice.source,
        nothing_checked=early,
        plans=plans,
    )
