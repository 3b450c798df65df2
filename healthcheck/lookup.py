"""Finding a metric by any name a user has seen for it: its id, its title, or its nagios perfdata label."""

from __future__ import annotations

from healthcheck.metrics import get_spec, metric_ids


def _key(text: str) -> str:
    """Case, spaces, dashes and brackets do not matter: `Late shipment rate (10 days)` is typed many ways."""
    return "".join(c for c in text.casefold() if c.isalnum())


def resolve_metric(name: str) -> str | None:
    """The metric id that `name` names (an id, a title or a short name such as `cr`), or None."""
    wanted = _key(name)
    if not wanted:
        return None
    for metric_id in metric_ids():
        spec = get_spec(metric_id)
        if wanted in (_key(metric_id), _key(spec.title), _key(spec.short)):
            return metric_id
    return None


def metric_listing() -> list[str]:
    """One line per metric: id, short name and title, for `explain` without an argument and its errors."""
    specs = [get_spec(metric_id) for metric_id in metric_ids()]
    width = max(len(spec.id) for spec in specs)
    short = max(len(spec.short) for spec in specs)
    return [f"{spec.id:<{width}}  {spec.short:<{short}}  {spec.title}" for spec in specs]
