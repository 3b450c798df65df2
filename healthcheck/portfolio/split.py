"""One account's files that name several marketplaces, split into one set of inputs per marketplace (issue 14).

Amazon scores each marketplace on its own, with its own time zone, holidays and feedback date format, so each is
audited on its own. The files are read once as each marketplace they name (the marketplace decides how they are
read), and every row is given to one marketplace (docs/decisions.md, "Portfolio: splitting a mixed account"):

- an order source's row (All Orders, order report, FBA shipments) by its `sales-channel`;
- any other row (feedback, claims, returns, confirmations, cancellations, messages) by its order id: the
  marketplace whose orders hold it;
- a row neither names (a Non-Amazon channel, an order in no order file) follows the rest of its file;
- a seller performance report goes to each marketplace whose `marketplaceId` it carries.

A file none of whose rows names a marketplace goes to the marketplace it reads as, when it reads as one only (a
feedback report of orders no order file holds, its dates in `D.M.YY`: German); else it cannot be placed, and is an
input error in every marketplace's audit of the account, naming it. A file that gives nothing to a marketplace (a
French file in the German audit, or a German feedback file whose dates only read as German) is not among that
audit's inputs.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from healthcheck.errors import InputProblem
from healthcheck.loaders import FILE_FIELD, InputFile, LoadResult, order_ids
from healthcheck.loaders.repeated import value_codes
from healthcheck.marketplaces import marketplace_for_id, marketplace_for_sales_channel

ORDER_SOURCES = ("all_orders", "order_report", "fba_shipments")
OTHER_MARKETPLACE = "other_marketplace"
_NONE = ""  # a row that names no marketplace


def _channel_codes(frame: pd.DataFrame) -> npt.NDArray[np.object_]:
    """Each row's marketplace code from its sales channel, `_NONE` where it names none."""
    if "sales_channel" not in frame.columns:
        return np.full(len(frame), _NONE, dtype=object)
    codes, names = value_codes(frame["sales_channel"])
    mapped = np.array([marketplace_for_sales_channel(name) or _NONE for name in names] + [_NONE], dtype=object)
    return mapped[codes]  # -1 (no channel) reads the appended `_NONE`


def order_marketplaces(loads: Mapping[str, LoadResult]) -> pd.Series:
    """Order id -> marketplace code, from the order sources' sales channels (the same in every reading)."""
    parts: list[pd.Series] = []
    for loaded in loads.values():
        for kind in ORDER_SOURCES:
            frame = loaded.frame(kind)
            if frame is None or frame.empty or "order_id" not in loaded.fields.get(kind, ()):
                continue
            codes = pd.Series(_channel_codes(frame), index=order_ids(frame).astype("str").to_numpy())
            parts.append(codes[codes != _NONE])
    if not parts:
        return pd.Series(dtype=object)
    found = pd.concat(parts)
    return found[~found.index.duplicated(keep="first")]


def _row_codes(kind: str, frame: pd.DataFrame, orders: pd.Series) -> npt.NDArray[np.object_]:
    """Each row's marketplace, before the rows that name none follow their file."""
    if kind in ORDER_SOURCES:
        return _channel_codes(frame)
    if "order_id" not in frame.columns:
        return np.full(len(frame), _NONE, dtype=object)
    return frame["order_id"].astype("str").map(orders).fillna(_NONE).to_numpy(dtype=object)


def _follow_file(codes: npt.NDArray[np.object_], files: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """Rows that name no marketplace take their file's most named one (they stay `_NONE` in a file naming none)."""
    result = codes.copy()
    for file_index in np.unique(files):
        in_file = files == file_index
        named = Counter(str(c) for c in codes[in_file] if c != _NONE)
        if named:
            home = max(sorted(named), key=lambda code: named[code])
            result[in_file & (codes == _NONE)] = home
    return result


def _performance_codes(document: Mapping[str, object]) -> set[str]:
    metrics = document.get("performanceMetrics")
    entries = metrics if isinstance(metrics, list) else [metrics]
    return {
        code
        for entry in entries
        if isinstance(entry, Mapping) and isinstance(entry.get("marketplaceId"), str)
        for code in [marketplace_for_id(entry["marketplaceId"])]
        if code
    }


@dataclasses.dataclass(frozen=True)
class _Owners:
    """Per marketplace reading: each frame's row owners, and which files gave that marketplace anything."""

    rows: dict[str, npt.NDArray[np.object_]]  # kind -> owner code per row
    named: set[int]  # files with at least one row (or a performance entry) that names a marketplace


def _owners(loaded: LoadResult, orders: pd.Series) -> _Owners:
    rows: dict[str, npt.NDArray[np.object_]] = {}
    named: set[int] = set()
    for kind, frame in loaded.frames.items():
        files = frame[FILE_FIELD].to_numpy(dtype=np.int64)
        codes = _follow_file(_row_codes(kind, frame, orders), files)
        rows[kind] = codes
        named.update(int(i) for i in np.unique(files[codes != _NONE]))
    labels = {info.path: index for index, info in enumerate(loaded.inputs)}
    for label, document in loaded.seller_performance:
        if _performance_codes(document) and label in labels:
            named.add(labels[label])
    return _Owners(rows, named)


def _readable(loads: Mapping[str, LoadResult], labels: set[str]) -> dict[str, str]:
    """Of the files no row places, those that read as one marketplace only (a feedback report's `D.M.YY` dates are
    German: read as any other marketplace every date is a bad row): label -> that marketplace."""
    found: dict[str, list[str]] = {}
    for code, loaded in loads.items():
        used = {int(i) for frame in loaded.frames.values() for i in np.unique(frame[FILE_FIELD].to_numpy())}
        for index, info in enumerate(loaded.inputs):
            if info.path in labels and index in used:
                found.setdefault(info.path, []).append(code)
    return {label: codes[0] for label, codes in found.items() if len(codes) == 1}


def split_account(loads: Mapping[str, LoadResult], *, given: str | None = None) -> dict[str, LoadResult]:
    """Each marketplace's share of the account: `loads` holds the account's files read as each marketplace.
    `given`: one audit was told which marketplace to audit, and only its share is made. A file that gives it
    nothing stays among its inputs, every row counted under `other_marketplace` (what reading it as this
    marketplace found wrong is not its problem), and a file that names no marketplace is the given one's, not an
    error."""
    orders = order_marketplaces(loads)
    owners = {code: _owners(loaded, orders) for code, loaded in loads.items()}
    # A file is placed when, read as some marketplace, one of its rows names one; else when it reads as one only.
    labels_named = {loads[code].inputs[i].path for code, found in owners.items() for i in found.named}
    every = {info.path for loaded in loads.values() for info in loaded.inputs}
    readable = _readable(loads, every - labels_named)
    placed = labels_named | set(readable)
    codes = sorted(loads)
    return {
        code: _share(
            code, loads[code], owners[code], placed, codes, {k for k, v in readable.items() if v == code}, bool(given)
        )
        for code in ([given] if given else codes)
    }


def _share(
    code: str,
    loaded: LoadResult,
    owners: _Owners,
    placed: set[str],
    codes: list[str],
    read_as: set[str],
    given: bool,
) -> LoadResult:
    """The rows of `loaded` that belong to `code`, with the inputs renumbered to the files that gave any.
    `read_as`: the files that are `code`'s because they read as it alone."""
    unplaced = {i for i, info in enumerate(loaded.inputs) if info.path not in placed}
    whole = sorted(unplaced | {i for i, info in enumerate(loaded.inputs) if info.path in read_as})
    kept_rows: dict[str, npt.NDArray[np.bool_]] = {}
    dropped: Counter[int] = Counter()
    gave: set[int] = set(unplaced)
    for kind, frame in loaded.frames.items():
        files = frame[FILE_FIELD].to_numpy(dtype=np.int64)
        mine = (owners.rows[kind] == code) | np.isin(files, whole)
        kept_rows[kind] = mine
        gave.update(int(i) for i in np.unique(files[mine]))
        dropped.update(Counter(int(i) for i in files[~mine]))
    labels = {info.path: index for index, info in enumerate(loaded.inputs)}
    performance = [
        (label, document)
        for label, document in loaded.seller_performance
        if code in _performance_codes(document) or labels.get(label) in unplaced
    ]
    gave.update(labels[label] for label, _ in performance if label in labels)
    # Files that gave nothing and hold no problem of their own are another marketplace's.
    keep = [i for i in range(len(loaded.inputs)) if given or i in gave]
    renumber = {old: new for new, old in enumerate(keep)}
    inputs: list[InputFile] = []
    for old in keep:
        info = dataclasses.replace(loaded.inputs[old], skipped=Counter(loaded.inputs[old].skipped))
        if old not in gave:  # kept for a given marketplace, and all another's
            rows = info.rows
            info = dataclasses.replace(info, skipped=Counter({OTHER_MARKETPLACE: rows} if rows else {}), warnings=[])
        elif dropped[old]:
            info.skipped[OTHER_MARKETPLACE] += dropped[old]
        inputs.append(info)
    frames: dict[str, pd.DataFrame] = {}
    for kind, frame in loaded.frames.items():
        part = frame.loc[kept_rows[kind]]
        if part.empty and not any(inputs[renumber[i]].kind == kind for i in keep if i in gave):
            # No file of this kind is this marketplace's (one kept for a `given` marketplace gave it nothing): as if
            # it had never been downloaded, so a metric that needs it says so.
            continue
        files = part[FILE_FIELD].to_numpy(dtype=np.int64)
        mapped = np.array([renumber[int(i)] for i in files], dtype=np.int64) if len(files) else files
        frames[kind] = part.assign(**{FILE_FIELD: mapped}).reset_index(drop=True)
    kept_labels = {loaded.inputs[i].path for i in keep if i in gave}
    problems = [p for p in loaded.problems if p.path in kept_labels or p.path not in labels]
    if len(codes) > 1 and not given:
        problems += [
            InputProblem(
                "no_marketplace",
                loaded.inputs[i].path,
                f"names no marketplace (no sales channel, no order of the account's {', '.join(codes)} orders, no "
                "marketplaceId), so it cannot be given to one of them: put it in a folder of its marketplace, or "
                "give the account's marketplace in the portfolio",
            )
            for i in sorted(unplaced)
            if loaded.inputs[i].rows > 0
        ]
    fields = {kind: set(loaded.fields.get(kind, set())) for kind in frames}
    return LoadResult(inputs, problems, frames, fields, performance, list(loaded.notes), pii_shown=loaded.pii_shown)
