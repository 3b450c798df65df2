"""Marketplaces: the time zone, holiday country and feedback date format each one implies (SPEC 2, 1.3)."""

from __future__ import annotations

from dataclasses import dataclass

from healthcheck.errors import ConfigError


@dataclass(frozen=True)
class Marketplace:
    code: str
    timezone: str
    holiday_country: str
    # strptime format of the feedback report's short dates in this marketplace.
    feedback_date_format: str
    # Values of `sales-channel` that belong to this marketplace.
    sales_channels: tuple[str, ...]

    @property
    def date_order(self) -> str:
        """How a spreadsheet in this marketplace writes a short date: the order of its feedback dates."""
        return date_order_of(self.feedback_date_format)


def date_order_of(date_format: str) -> str:
    """`MDY` (month first, the US), `DMY` (day first) or `YMD` (year first: JP's YY/M/D, SE's ISO dates)."""
    if date_format.startswith("%m"):
        return "MDY"
    if date_format.startswith("%d"):
        return "DMY"
    return "YMD"


_US_DATES = "%m/%d/%y"
_DAY_FIRST = "%d/%m/%y"

MARKETPLACES: dict[str, Marketplace] = {
    m.code: m
    for m in (
        Marketplace("US", "America/Los_Angeles", "US", _US_DATES, ("amazon.com",)),
        Marketplace("CA", "America/Los_Angeles", "CA", _DAY_FIRST, ("amazon.ca",)),
        Marketplace("MX", "America/Los_Angeles", "MX", _DAY_FIRST, ("amazon.com.mx",)),
        Marketplace("BR", "America/Sao_Paulo", "BR", _DAY_FIRST, ("amazon.com.br",)),
        Marketplace("UK", "Europe/London", "GB", _DAY_FIRST, ("amazon.co.uk",)),
        Marketplace("DE", "Europe/Berlin", "DE", "%d.%m.%y", ("amazon.de",)),
        Marketplace("FR", "Europe/Paris", "FR", _DAY_FIRST, ("amazon.fr",)),
        Marketplace("IT", "Europe/Rome", "IT", _DAY_FIRST, ("amazon.it",)),
        Marketplace("ES", "Europe/Madrid", "ES", _DAY_FIRST, ("amazon.es",)),
        Marketplace("NL", "Europe/Amsterdam", "NL", _DAY_FIRST, ("amazon.nl",)),
        Marketplace("SE", "Europe/Stockholm", "SE", "%Y-%m-%d", ("amazon.se",)),
        Marketplace("PL", "Europe/Warsaw", "PL", _DAY_FIRST, ("amazon.pl",)),
        Marketplace("JP", "Asia/Tokyo", "JP", "%y/%m/%d", ("amazon.co.jp",)),
        Marketplace("AU", "Australia/Sydney", "AU", _DAY_FIRST, ("amazon.com.au",)),
        Marketplace("IN", "Asia/Kolkata", "IN", _DAY_FIRST, ("amazon.in",)),
        Marketplace("AE", "Asia/Dubai", "AE", _DAY_FIRST, ("amazon.ae",)),
    )
}

DEFAULT_MARKETPLACE = "US"


def get_marketplace(code: str) -> Marketplace:
    """Look a code up case-insensitively; GB is accepted for UK because sellers write both."""
    key = code.strip().upper()
    if key == "GB":
        key = "UK"
    try:
        return MARKETPLACES[key]
    except KeyError:
        raise ConfigError(
            "marketplace",
            f"unknown marketplace {code!r}; use one of {', '.join(MARKETPLACES)}",
        ) from None


def marketplace_for_sales_channel(channel: str) -> str | None:
    """Map `Amazon.de` to `DE`, for suggesting a marketplace from the files."""
    value = channel.strip().lower()
    for m in MARKETPLACES.values():
        if value in m.sales_channels:
            return m.code
    return None
