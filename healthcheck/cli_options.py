"""The options several commands share, declared once: `audit`, `plan`, `run` and `fetch` take the same inputs the
same way, with the same help."""

from pathlib import Path
from typing import Annotated, Any

import typer

from healthcheck.errors import ConfigError
from healthcheck.marketplaces import MARKETPLACES, get_marketplace


def _marketplace_code(value: str | None) -> str | None:
    """The option's code, checked as it is parsed: an unknown one is a bad option naming the codes (exit 3), not an
    error of a config file the user never wrote."""
    if value is None:
        return None
    try:
        return get_marketplace(value).code
    except ConfigError as exc:
        raise typer.BadParameter(exc.detail) from None


PathsArgument = Annotated[
    list[Path], typer.Argument(help="Report files, folders, .zip archives or .gz reports.", show_default=False)
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Audit as of this day (YYYY-MM-DD); default: the latest date in the reports."),
]


def _marketplace_option(default: str) -> Any:
    """`--marketplace` / `-m`, its help naming its `default`."""
    return typer.Option(
        "--marketplace",
        "-m",
        help=f"Marketplace code: {', '.join(MARKETPLACES)} (default: {default}).",
        callback=_marketplace_code,
    )


MarketplaceOption = Annotated[str | None, _marketplace_option("named by the reports")]
# Fetching, nothing is downloaded yet to name it.
FetchMarketplaceOption = Annotated[str | None, _marketplace_option("the config's `marketplace`, else US")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file (default: ./healthcheck.toml if present).")
]
EncodingOption = Annotated[
    str | None, typer.Option("--encoding", help="Force the input encoding (e.g. cp1252, cp932).")
]
RulesOption = Annotated[
    str | None,
    typer.Option(
        "--rules",
        help="contract (SPEC's rules at every date, the default) or dated (Amazon's rules in force on the as-of "
        "day; docs/rules.md). Default: the config's `rules`.",
    ),
]
ProgramOption = Annotated[
    list[str] | None,
    typer.Option("--program", help="Add a program's own thresholds: sfp (Seller-Fulfilled Prime); repeatable."),
]
