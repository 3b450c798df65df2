"""`healthcheck plan METRIC PATHS...`: the draft plan of action for a metric in breach, ready to paste (issue 15).

Exit codes follow the metric, as the audit's follow its metrics (SPEC 5.5): 2 the metric is in breach (the plan is
written), 1 at risk and 0 ok (no plan is needed: it says so), 3 it could not be evaluated (naming the reports to
add), an unknown metric, or input errors.
"""

import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from healthcheck import cli_options as shared
from healthcheck.cli import _fail, app, checked_inputs, engine_imports, write_output
from healthcheck.interrupts import stop_signals_held
from healthcheck.outcome import ExitCode
from healthcheck.wording import the_title


class PlanFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"


_STATUS_EXIT = {"ok": ExitCode.OK, "at_risk": ExitCode.AT_RISK, "breach": ExitCode.BREACH}


@app.command(short_help="Draft the plan of action Amazon asks for when a metric is in breach.")
def plan(
    metric: Annotated[
        str,
        typer.Argument(
            help="The metric: an id, title or short name, e.g. cancellation_rate or cr.", show_default=False
        ),
    ],
    paths: shared.PathsArgument,
    as_of: shared.AsOfOption = None,
    marketplace: shared.MarketplaceOption = None,
    config: shared.ConfigOption = None,
    fmt: Annotated[
        PlanFormat | None,
        typer.Option("--format", "-f", help="text or markdown (default: markdown for a .md --output, else text)."),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the plan to this file.")] = None,
    encoding: shared.EncodingOption = None,
    show_pii: Annotated[
        bool,
        typer.Option("--show-pii", help="Add each order's buyer name (from the order report) to the evidence."),
    ] = False,
    rules: shared.RulesOption = None,
    program: shared.ProgramOption = None,
) -> None:
    """Draft the plan of action for a metric in breach: root cause, actions taken and to take, preventive measures,
    and the orders as evidence. It states only what the reports show; [FILL IN: ...] marks what you must add."""
    with engine_imports():
        from healthcheck.audit import run_audit
    from healthcheck.lookup import resolve_metric, unknown_metric_hint
    from healthcheck.metrics import get_spec
    from healthcheck.metrics.base import Status
    from healthcheck.report.markdown import plan_markdown
    from healthcheck.report.plan_view import no_plan_sentence, plan_blocks, plan_plain, title
    from healthcheck.report.text import data_caveats, target_words
    from healthcheck.sanitize import one_line, problem_text

    metric_id = resolve_metric(metric)
    if metric_id is None:
        _fail(f"unknown metric {metric!r}", hint=unknown_metric_hint(metric))
    as_of_date, encoding, settings = checked_inputs(
        paths, as_of=as_of, encoding=encoding, output=output, config=config, rules=rules, program=program
    )
    report = run_audit(
        paths,
        config=settings,
        marketplace=marketplace,
        as_of=as_of_date,
        encoding=encoding,
        show_pii=show_pii,
    )
    for error in report.errors:
        typer.echo(f"healthcheck: {error.title.lower()}: {problem_text(error)}", err=True)
    # What the audit would note beside the plan (files skipped, settings that disagree with Amazon's dates): on
    # stderr, so that what is pasted into Seller Central stays the plan alone.
    for warning in report.warnings:
        typer.echo(f"healthcheck: note: {one_line(warning)}", err=True)
    result = next((r for r in report.metrics if r.id == metric_id), None)
    if result is None:
        # A program's metric is audited only when the program is asked for, in a marketplace it has thresholds for.
        spec = get_spec(metric_id)
        if spec.program is None:  # a metric Amazon measures in some marketplaces only
            from healthcheck.metrics.rules import measured_marketplaces

            _fail(
                f"{metric_id} was not part of this audit: Amazon does not measure it in the "
                f"{report.marketplace.code} marketplace",
                hint=f"it is measured in {', '.join(measured_marketplaces(metric_id))}: audit one of those "
                "marketplaces' reports (--marketplace)",
            )
        _fail(
            f"{metric_id} was not part of this audit: it is a metric of the {spec.program} program",
            hint=f"pass --program {spec.program} (or set program in the config); the audit's notes say when the "
            f"{report.marketplace.code} marketplace has no thresholds for it",
        )
    drafted = report.plan_for(metric_id)
    if drafted is None:
        typer.echo(no_plan_sentence(report, result))
        code = ExitCode.UNKNOWN if report.errors else _STATUS_EXIT.get(str(result.status), ExitCode.UNKNOWN)
        raise typer.Exit(int(code))
    spec = result.spec
    if (
        spec.amazon_target is not None
        and replace(spec, target=spec.amazon_target).classify(result.rate) is not Status.BREACH
    ):
        # Drafted for the seller's own stricter target: the plan states Amazon's, which the rate meets.
        typer.echo(
            f"healthcheck: note: {the_title(spec.title)} breaches only your own target ({target_words(spec)}); it "
            f"meets Amazon's ({target_words(spec, amazons=True)}), and Amazon asks for no plan of action for it",
            err=True,
        )
    caveats = data_caveats(result)
    if caveats:
        what = the_title(result.spec.title)
        typer.echo(f"healthcheck: note: {what} in this plan stands on part of the data ({caveats})", err=True)
    buyers = {order: buyer.name for order, buyer in report.buyers.items() if buyer.name} if show_pii else None
    blocks = plan_blocks(report, drafted, buyers=buyers)
    markdown = fmt is PlanFormat.MARKDOWN or (
        fmt is None and output is not None and output.suffix.lower() in (".md", ".markdown")
    )
    text = plan_markdown(blocks, title(drafted)) if markdown else plan_plain(blocks, title(drafted))
    if output is not None:
        write_output(output, text)
    else:
        with stop_signals_held():  # a reader of the pipe gets the whole plan or none of it
            typer.echo(text, nl=False)
            sys.stdout.flush()
    raise typer.Exit(int(ExitCode.UNKNOWN if report.errors else ExitCode.BREACH))
