"""The small commands: `shipby`, `explain`, `init-config` and `template` (the CLI prints and exits only here and in
the modules beside it)."""

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from healthcheck.cli import _fail, _load_config, app, engine_imports, write_output
from healthcheck.config import CONFIG_FILENAME
from healthcheck.wording import plural


@app.command(short_help="Show the ship-by date of a purchase, day by day.")
def shipby(
    purchases: Annotated[list[str], typer.Argument(help="Purchase times, e.g. 2024-11-27T22:10:00+00:00.")],
    sku: Annotated[str | None, typer.Option("--sku", help="Use this SKU's handling time from the config.")] = None,
    handling_days: Annotated[
        int | None, typer.Option("--handling-days", min=0, max=30, help="Override the handling time.")
    ] = None,
    marketplace: Annotated[str | None, typer.Option("--marketplace", "-m", help="Marketplace code.")] = None,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="Config file.")] = None,
) -> None:
    """Show the expected ship date Amazon computes for a purchase, day by day."""
    with engine_imports():
        from healthcheck.audit import calendar_for, resolve_marketplace
    from healthcheck.options import as_of_problem
    from healthcheck.ship_by_explain import explain_ship_by

    settings = _load_config(config)
    market = resolve_marketplace(marketplace, settings)
    calendar = calendar_for(market, settings)
    days, source = _handling_days(handling_days, sku, settings, config)
    for raw in purchases:
        try:
            moment = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            _fail(f"{raw!r} is not a timestamp", hint="write it as 2024-11-27T22:10:00+00:00")
        if (problem := as_of_problem(moment.date(), "the purchase")) is not None:  # days counted on would overflow
            _fail(problem, hint="give a purchase time within those years")
        if moment.tzinfo is None:
            from zoneinfo import ZoneInfo

            moment = moment.replace(tzinfo=ZoneInfo(market.timezone))
        result = explain_ship_by(moment, days, calendar, market.timezone)
        typer.echo(f"purchase:      {raw}")
        typer.echo(f"local time:    {result.purchase_local:%Y-%m-%d %H:%M %Z} ({market.code}, {market.timezone})")
        typer.echo(f"handling time: {plural(days, 'business day')} ({source})")
        steps = [(day, "counted", "") for day in result.counted_days]
        steps += [(s.day, "skipped", f": {s.reason}") for s in result.skipped]
        for day, what, why in sorted(steps, key=lambda step: (step[0], step[1] == "counted")):
            typer.echo(f"  {what:<8} {day:%a %Y-%m-%d}{why}")
        typer.echo(
            f"ship by:       {result.ship_by:%a %Y-%m-%d} (deadline {result.deadline_local:%Y-%m-%d %H:%M:%S %Z})"
        )
        if len(purchases) > 1:
            typer.echo("")


@app.command(short_help="Explain a metric; without a name, list them.")
def explain(
    name: Annotated[
        str | None,
        typer.Argument(
            help="A metric id, title or short name, e.g. late_shipment_rate_10d, cr or odr_mfn.", show_default=False
        ),
    ] = None,
) -> None:
    """Explain a metric: definition, window, population, target and what to do. Without a name, list them."""
    with engine_imports():
        from healthcheck.lookup import metric_listing, resolve_metric, unknown_metric_hint
    from healthcheck.metrics import get_spec
    from healthcheck.metrics.rule_history import program_lines, rule_history
    from healthcheck.report.text import percent, target_words
    from healthcheck.rulebook import PROGRAMS

    if name is None:
        typer.echo("metrics (id, short name, title); `healthcheck explain NAME` explains one:")
        for line in metric_listing():
            typer.echo(f"  {line}")
        typer.echo(f"programs (`--program`): {', '.join(PROGRAMS)}; `healthcheck explain sfp` lists its rules")
        return
    if name.strip().lower() in PROGRAMS:
        for line in program_lines(name.strip().lower()):
            typer.echo(line)
        return
    metric_id = resolve_metric(name)
    if metric_id is None:
        listed = "use an id, title or short name: `healthcheck explain` lists them"
        _fail(f"unknown metric {name!r}", hint=unknown_metric_hint(name, listed))
    spec = get_spec(metric_id)
    lag = (
        f", ending {spec.end_lag_days} days before the as-of date"
        if spec.end_lag_days
        else ", ending on the as-of date"
    )
    typer.echo(f"{spec.id}: {spec.title} (short name {spec.short})")
    days = f"{spec.window_days} day{'s' if spec.window_days != 1 else ''}"
    typer.echo(f"  window:      {days} by {spec.basis.value.replace('_', ' ')}{lag}")
    typer.echo(f"  population:  {spec.population} in the window")
    typer.echo(f"  numerator:   {spec.numerator}")
    if spec.target is not None:
        typer.echo(f"  target:      {target_words(spec)} (at risk from {percent(spec.at_risk)})")
    if not spec.recomputable:
        # Issue 15: Amazon's own number; docs/rules.md says why no report this tool reads can show it.
        typer.echo("  source:      Amazon's GET_V2_SELLER_PERFORMANCE_REPORT JSON, not recomputed (docs/rules.md)")
    typer.echo(f"  what to do:  {spec.advice}")
    for line in rule_history(spec):
        typer.echo(line)


@app.command("init-config", short_help="Write a commented config file with every default.")
def init_config(
    path: Annotated[Path, typer.Argument(help="Where to write it.")] = Path(CONFIG_FILENAME),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented config file with every default."""
    from healthcheck.config import default_config_text
    from healthcheck.metrics.registry import metric_defaults

    write_output(path, default_config_text(metric_defaults()), replace=force, name=CONFIG_FILENAME)
    typer.echo(f"wrote {path}")


@app.command(short_help="Write a file to fill in: claims, cancellations or messages.")
def template(
    kind: Annotated[str, typer.Argument(help="claims, cancellations or messages.", show_default=False)],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write it to this file (default: print it).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the header of a hand-made input (claims, cancellations, messages), with what each column accepts and
    example rows as # lines above it, which the audit skips."""
    from healthcheck.templates import TEMPLATES, template_text

    if kind not in TEMPLATES:
        _fail(f"no template for {kind!r}", hint=f"use one of: {', '.join(TEMPLATES)}")
    text = template_text(kind)
    if output is None:
        typer.echo(text, nl=False)
        return
    write_output(output, text, replace=force, name=f"{kind}.txt")
    typer.echo(f"wrote {output}: fill in one row per line below the header, then audit it with the reports")


def _handling_days(given: int | None, sku: str | None, settings: object, config: Path | None) -> tuple[int, str]:
    """The handling time `shipby` uses and where it came from, so a seller can tell a typo from a default."""
    from healthcheck.config import Config

    assert isinstance(settings, Config)
    if given is not None:
        return given, "--handling-days"
    where = str(config or settings.source or CONFIG_FILENAME)
    if sku and sku in settings.handling_days_by_sku:
        return settings.handling_days_by_sku[sku], f"SKU {sku} in {where}"
    # A SKU asked for but not in the config takes the account's handling time: said, as it may be a typo.
    none = f"; SKU {sku} has none of its own" if sku else ""
    if settings.source and settings.handling_days != Config().handling_days:
        return settings.handling_days, f"handling_days in {where}{none}"
    # A config that sets the default value says nothing new: it is still the default.
    return settings.handling_days, f"default{none}; set it with --handling-days or in healthcheck.toml"
