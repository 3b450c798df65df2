"""Finding a metric by any name a user has seen for it: its id, its title, or its nagios perfdata label."""

from __future__ import annotations

from healthcheck.metrics import get_spec, metric_ids


def _key(text: str) -> str:
    """Case, spaces, dashes and brackets do not matter: `Late shipment rate (10 days)` is typed many ways."""
    return "".join(c for c in text.casefold() if c.isalnum())


def _names(metric_id: str) -> tuple[str, str, str]:
    """The names a user may know a metric by, as compared (`_key`): its id, title and short name."""
    spec = get_spec(metric_id)
    return _key(metric_id), _key(spec.title), _key(spec.short)


def resolve_metric(name: str) -> str | None:
    """The metric id that `name` names (an id, a title or a short name such as `cr`), or None."""
    wanted = _key(name)
    if not wanted:
        return None
    return next((metric_id for metric_id in metric_ids() if wanted in _names(metric_id)), None)


def close_matches(name: str) -> list[str]:
    """The metrics a name that resolves to none may have meant: those whose id, title or short name it begins, in
    the registry's order, each as `id (short)`. `odr` is two metrics (seller-fulfilled and FBA) and `lsr` two
    windows: the user picks, rather than be given a plan or an explanation of the wrong one."""
    wanted = _key(name)
    if not wanted:
        return []
    return [
        f"{metric_id} ({get_spec(metric_id).short})"
        for metric_id in metric_ids()
        if any(known.startswith(wanted) for known in _names(metric_id))
    ]


def unknown_metric_hint(name: str, otherwise: str | None = None) -> str:
    """What an error about a name that resolves to no metric suggests: the metrics it may mean, else `otherwise`
    (by default every id)."""
    matches = close_matches(name)
    if matches:
        pick = "name one of them" if len(matches) > 1 else "name it in full"
        return f"{name.strip()!r} may mean {' or '.join(matches)}: {pick}"
    return otherwise or f"use one of: {', '.join(metric_ids())} (or a title or short name)"


def metric_listing() -> list[str]:
    """One line per metric: id, short name and title, for `explain` without an argument and its errors."""
    specs = [get_spec(metric_id) for metric_id in metric_ids()]
    width = max(len(spec.id) for spec in specs)
    short = max(len(spec.short) for spec in specs)
    return [f"{spec.id:<{width}}  {spec.short:<{short}}  {spec.title}" for spec in specs]
