"""Loading: paths (files, folders, zips) to typed, de-duplicated frames per report kind, with an input summary.

The seam the rest of the tool uses is `load_inputs`. Problems with one file never stop the others: they are
collected (SPEC 6) and the audit goes on with what could be read.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from healthcheck.concurrency import pool as thread_pool
from healthcheck.concurrency import worth_threads
from healthcheck.config import CONFIG_FILENAME
from healthcheck.errors import InputError, InputProblem
from healthcheck.fetch.manifest import is_fetch_manifest
from healthcheck.loaders import parse, repeated
from healthcheck.loaders.archive import GZIP_MAGIC, REPORT_SUFFIXES, WORKBOOK_FIX, gzip_member, zip_members
from healthcheck.loaders.dedup import deduplicate
from healthcheck.loaders.kinds import FILE_FIELD, KINDS_BY_NAME, ORDER_NO, SELLER_PERFORMANCE, order_column
from healthcheck.loaders.large_file import read_large
from healthcheck.loaders.normalize import typed_frame
from healthcheck.loaders.own_outputs import read_head, skips_own_output
from healthcheck.loaders.reader import LINE_FIELD, NOT_A_REPORT, read_table
from healthcheck.loaders.walk import walk_folder
from healthcheck.marketplaces import Marketplace
from healthcheck.wording import plural

# A progress callback: (the file being read, bytes read so far, bytes in all) -- see `load_inputs`.
Progress = Callable[[str, int, int], None]


@dataclass
class InputFile:
    """What one input contributed: the `inputs` entries of the JSON report (SPEC 5.2)."""

    path: str
    kind: str | None = None
    encoding: str | None = None
    rows: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    @property
    def used_rows(self) -> int:
        return self.rows - sum(self.skipped.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "encoding": self.encoding,
            "rows": self.rows,
            "used_rows": self.used_rows,
            "skipped": dict(sorted(self.skipped.items())),
            "warnings": list(self.warnings),
        }


@dataclass
class LoadResult:
    inputs: list[InputFile]
    problems: list[InputProblem]
    frames: dict[str, pd.DataFrame]  # kind -> rows of every file of that kind, `_file` indexes `inputs`
    fields: dict[str, set[str]]  # kind -> fields at least one file of that kind carried
    seller_performance: list[tuple[str, dict[str, Any]]]
    notes: list[str]
    released: set[str] = field(default_factory=set)  # kinds given whose rows `release` let go of
    # The order ids of ship confirmations left out as made after the as-of day (`context.cut_at`): their orders
    # were unconfirmed then, whatever a later download's status says (SPEC 1.5, rev 2).
    confirmed_after_as_of: pd.Series | None = None
    pii_shown: bool = False  # read with --show-pii: buyer columns read, and buyers' words may be quoted

    def has(self, kind: str) -> bool:
        if kind == SELLER_PERFORMANCE:  # a JSON document, not a frame
            return bool(self.seller_performance)
        return kind in self.frames or kind in self.released

    def frame(self, kind: str) -> pd.DataFrame | None:
        if kind in self.released:
            raise LookupError(
                f"the rows of {kind} were let go of once the audit's model was built; a metric that reads them "
                "itself names the kind in its MetricSpec.reads_rows"
            )
        return self.frames.get(kind)

    def release(self, kinds: Iterable[str]) -> None:
        """Let go of the rows of `kinds`: on a large account the order reports are most of what the audit holds,
        and once the model has merged them only a few metrics read them again. The kinds stay known to `has`."""
        for kind in kinds:
            if self.frames.pop(kind, None) is not None:
                self.released.add(kind)


# A source's content: a report file still on disk (read by the loading thread that parses it, so that no more
# files are in memory at once than there are threads), or the bytes of a zip member, already unpacked.
Content = Path | bytes


def iter_sources(
    paths: Sequence[Path], notes: list[str], problems: list[InputProblem]
) -> Iterator[tuple[str, Content]]:
    """Yield (label, content) for every file named, found in a folder, or inside a zip; a file reached twice (named
    and inside a folder named, or named twice) is read once, with a note."""
    seen: set[Path] = set()

    def first_time(path: Path) -> bool:
        where = path.resolve()
        if where in seen:
            notes.append(f"{path}: given more than once (named, or inside a folder named), read once")
            return False
        seen.add(where)
        return True

    for path in paths:
        label = str(path)
        if path.is_dir():
            found = False
            walk = walk_folder(path)
            notes.extend(walk.notes)
            problems.extend(walk.problems)
            for child in walk.files:
                if is_fetch_manifest(child):
                    continue  # `healthcheck fetch`'s own bookkeeping beside the reports it downloaded
                if child.name == CONFIG_FILENAME:
                    # A portfolio reads it as the account's config; `audit` from --config or the working folder.
                    notes.append(
                        f"{child}: a healthcheck config, not a report, skipped (a portfolio uses it as that "
                        "account's config)"
                    )
                    continue
                if child.suffix.lower() not in REPORT_SUFFIXES:
                    workbook = child.suffix.lower() in (".xlsx", ".xls")
                    why = f"an Excel workbook: to audit it, {WORKBOOK_FIX}" if workbook else "not a report file"
                    notes.append(f"{child}: {why} ({child.suffix}), skipped")
                    continue
                found = True
                if first_time(child):
                    yield from _expand(child, str(child), notes, problems)
            if not found:
                problems.append(
                    InputProblem(
                        "no_reports",
                        label,
                        "the folder holds no report files; download reports from Seller Central into it",
                    )
                )
        elif path.exists():
            if first_time(path):
                yield from _expand(path, label, notes, problems)
        else:
            problems.append(InputProblem("unreadable", label, "no such file or folder; check the path"))


def _expand(path: Path, label: str, notes: list[str], problems: list[InputProblem]) -> Iterator[tuple[str, Content]]:
    if not path.is_file():
        # A device or a pipe (`/dev/zero`, a FIFO) could be read forever: never a hang (SPEC 6).
        problems.append(
            InputProblem("unreadable", label, "not a regular file (a device or a pipe); save the report to a file")
        )
        return
    try:
        head = read_head(path)
        magic = head[:4]
        if skips_own_output(label, head, notes):
            return
        if magic.startswith(GZIP_MAGIC):
            yield from gzip_member(path, label, notes, problems)
            return
        if path.suffix.lower() != ".zip" and magic != b"PK\x03\x04":
            yield label, path  # read when it is parsed
            return
    except OSError as exc:
        problems.append(_unreadable(label, exc))
        return
    yield from zip_members(path, label, notes, problems)


def _size(content: Content) -> int:
    if isinstance(content, bytes):
        return len(content)
    try:
        return content.stat().st_size
    except OSError:  # gone since it was listed: reading it names the problem
        return 0


def _unreadable(label: str, exc: OSError) -> InputProblem:
    return InputProblem(
        "unreadable",
        label,
        f"cannot be read ({exc.strerror or exc}): check its permissions (the user running healthcheck must be able "
        "to read it)",
    )


def _load_json(label: str, data: bytes, info: InputFile) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(InputProblem("bad_json", label, f"not valid JSON ({exc}); re-download the report")) from None
    except RecursionError:  # the parser recurses once per level: thousands of `[` are an attack, not a report
        raise InputError(
            InputProblem("bad_json", label, "not a seller performance report: it is nested too deeply to read")
        ) from None
    if not isinstance(document, dict) or not document.keys() & {"performanceMetrics", "accountStatuses"}:
        # SPEC 1.2 (rev 2), as for a text file naming no report's column: a tool's settings or state saved beside
        # the reports is not a damaged report.
        raise InputError(
            InputProblem(
                NOT_A_REPORT,
                label,
                "not a Seller Central report (a JSON file, but not Amazon's seller performance report: it has no "
                "`performanceMetrics`), skipped",
            )
        )
    if "performanceMetrics" not in document:
        raise InputError(
            InputProblem(
                "unknown_header",
                label,
                "a JSON file without `performanceMetrics`: only the GET_V2_SELLER_PERFORMANCE_REPORT JSON is read",
            )
        )
    info.kind = SELLER_PERFORMANCE
    info.encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    info.rows = 1
    return document


@dataclass
class _Loaded:
    """What reading one source gave: its summary, its typed rows (none for JSON or a file that failed), problems."""

    info: InputFile
    kind: str | None = None
    typed: pd.DataFrame | None = None
    problems: list[InputProblem] = field(default_factory=list)
    performance: dict[str, Any] | None = None
    # The file de-duplicated on its own, with what that dropped (on the loading thread, while other files are
    # still being read): the answer whenever it is the only file of its kind, which is the usual case.
    alone: tuple[pd.DataFrame, InputFile] | None = None
    # Set for a file that is not a report at all (SPEC 1.2, rev 2): passed over with this note, not an input.
    not_a_report: str | None = None


def load_inputs(
    paths: Sequence[Path],
    *,
    marketplace: Marketplace,
    encoding: str | None = None,
    include_pii: bool = False,
    progress: Progress | None = None,
    undecided: bool = False,
) -> LoadResult:
    """Read every input; one bad file is reported and the rest still load. `undecided`: the marketplace is still
    to be read from the files (`decode.decode`).

    Files are read and typed on `concurrency.workers()` threads at once: arrow's parser and kernels release the
    GIL, so a large account's reports load in about two thirds of the time on two cores. Results are gathered in
    the order the sources were found, so the summary, problems and rows never depend on which file finished first.

    `progress(label, done, total)` is called as each file is gathered (bytes read so far, of the inputs' total) and
    once more with done == total when all are read: a large account takes seconds, and a terminal can show it.
    """
    inputs: list[InputFile] = []
    problems: list[InputProblem] = []
    notes: list[str] = []
    parts: dict[str, list[pd.DataFrame]] = {}
    fields: dict[str, set[str]] = {}
    performance: list[tuple[str, dict[str, Any]]] = []
    _use_returning_allocator()
    sources = list(iter_sources(paths, notes, problems))
    sizes = [_size(content) for _, content in sources]
    total = input_size(paths) if progress else 0
    done = 0

    def load(source: tuple[str, Content]) -> _Loaded:
        label, content = source
        return _load_one(
            label, content, marketplace=marketplace, encoding=encoding, include_pii=include_pii, undecided=undecided
        )

    with thread_pool(len(sources), "load", large=worth_threads(size=sum(sizes))) as pool:
        if pool:
            # Largest first, so that the last file to finish is a small one; gathered in the sources' order.
            futures = {i: pool.submit(load, sources[i]) for i in sorted(range(len(sources)), key=lambda i: -sizes[i])}
            results: Iterator[_Loaded] = (futures[i].result() for i in range(len(sources)))
        else:
            results = map(load, sources)
        alone: dict[str, tuple[pd.DataFrame, InputFile, int]] = {}
        for (label, _), size, loaded in zip(sources, sizes, results, strict=True):
            if progress:
                total = max(total, done + size)
                progress(label, done, total)
            done += size
            if loaded.not_a_report is not None:
                notes.append(loaded.not_a_report)
                continue
            inputs.append(loaded.info)
            problems.extend(loaded.problems)
            if loaded.performance is not None:
                performance.append((label, loaded.performance))
            if loaded.typed is not None and loaded.kind is not None:
                loaded.typed[FILE_FIELD] = file_codes(len(loaded.typed), len(inputs) - 1)
                parts.setdefault(loaded.kind, []).append(loaded.typed)
                if loaded.alone is not None:
                    alone[loaded.kind] = (*loaded.alone, len(inputs) - 1)
                fields.setdefault(loaded.kind, set()).update(_fields(loaded.typed))
        kinds = list(parts)

        def merge(kind: str) -> pd.DataFrame:
            chunks = parts[kind]
            if len(chunks) == 1 and kind in alone:  # de-duplicated already, on its own
                frame, dropped, index = alone[kind]
                inputs[index].skipped.update(dropped.skipped)
                inputs[index].warnings.extend(dropped.warnings)
                return frame.assign(**{FILE_FIELD: file_codes(len(frame), index)})
            if len({ORDER_NO in c.columns for c in chunks}) > 1:  # numbers for every row, or for none
                chunks = [c.assign(order_id=order_ids(c)).drop(columns=[ORDER_NO], errors="ignore") for c in chunks]
            frame = chunks[0] if len(chunks) == 1 else repeated.concat(chunks)
            return deduplicate(kind, frame, inputs)

        merged = list(pool.map(merge, kinds) if pool else map(merge, kinds))
    frames = {kind: _kept(kind, frame) for kind, frame in zip(kinds, merged, strict=True)}
    if progress:
        progress(f"{plural(len(inputs), 'file')} read", max(total, done), max(total, done))
    return LoadResult(inputs, problems, frames, fields, performance, notes, pii_shown=include_pii)


def _load_one(
    label: str, content: Content, *, marketplace: Marketplace, encoding: str | None, include_pii: bool, undecided: bool
) -> _Loaded:
    """Read, parse and type one source; everything it finds wrong is returned, nothing is raised."""
    loaded = _Loaded(InputFile(label))
    info = loaded.info
    try:
        # A large plain report is read from its file, never held whole; every other file from its bytes.
        table = None
        if isinstance(content, Path) and encoding is None:
            table = read_large(content, label, include_pii=include_pii)
        if table is None:
            try:
                data = content.read_bytes() if isinstance(content, Path) else content
            except OSError as exc:
                raise InputError(_unreadable(label, exc)) from None
            if data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{" or label.lower().endswith(".json"):
                loaded.performance = _load_json(label, data, info)
                return loaded
            table = read_table(
                data,
                label,
                marketplace=marketplace.code,
                encoding=encoding,
                include_pii=include_pii,
                undecided=undecided,
            )
            del data  # the file's bytes are not needed once its columns are read
        info.kind = table.kind.kind
        info.encoding = table.encoding
        typed = typed_frame(
            table,
            label,
            timezone=marketplace.timezone,
            feedback_date_format=marketplace.feedback_date_format,
        )
    except InputError as exc:
        if exc.problem.type == NOT_A_REPORT:
            loaded.not_a_report = f"{label}: {exc.problem.message}"
        else:
            loaded.problems.append(exc.problem)
        return loaded
    info.rows = table.rows
    if table.bad_rows:
        info.skipped["bad_row"] += table.bad_rows
    if table.repeated_headers:
        info.skipped["repeated_header"] += table.repeated_headers
    info.warnings.extend(table.warnings)
    loaded.problems.extend(table.problems)
    kind = table.kind.kind
    del table  # the raw strings the typed columns did not keep: a large report's dates, statuses, quantities
    if "order_id" in typed.columns:
        numbers = parse.amazon_order_numbers(typed["order_id"])
        if numbers is not None:
            typed[ORDER_NO] = numbers
            if _numbered(kind):
                typed = typed.drop(columns=["order_id"])  # written back where read (`order_ids`)
    loaded.kind, loaded.typed = kind, typed
    scratch = InputFile(label)
    loaded.alone = (deduplicate(kind, typed.assign(**{FILE_FIELD: 0}), [scratch]), scratch)
    return loaded


def order_ids(frame: pd.DataFrame) -> pd.Series:
    """The frame's order ids: its `order_id` column, or the ids written back from their numbers (`ORDER_NO`) where
    the loader held only those (`Column.numbered`: every id of the file an Amazon order id)."""
    if order_column(frame.columns) == "order_id":
        return frame["order_id"]
    return parse.amazon_order_ids(frame[ORDER_NO].to_numpy(dtype=np.int64)).set_axis(frame.index)


def _numbered(kind: str) -> bool:
    spec = KINDS_BY_NAME.get(kind)
    return spec is not None and any(c.field == "order_id" and c.numbered for c in spec.columns)


def _fields(frame: pd.DataFrame) -> set[str]:
    """The fields a typed frame carries (its order ids too where only their numbers are held)."""
    found = {c for c in frame.columns if not c.startswith("_")}
    return found | {"order_id"} if ORDER_NO in frame.columns else found


def _use_returning_allocator() -> None:
    """Arrow's buffers from jemalloc where pyarrow ships it: it hands freed memory back to the system, where the
    default (mimalloc) keeps it, and a large account's peak is about a tenth lower. ARROW_DEFAULT_MEMORY_POOL,
    when set, still decides."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        pool = pa.jemalloc_memory_pool()
    except pa.ArrowException:  # this pyarrow build has no jemalloc: keep its default pool
        return
    pa.set_memory_pool(pool)


def _kept(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without what only loading reads: line numbers (they order a kind's rows for de-duplication and
    name bad rows) and the columns not `kept` (`kinds.Column`)."""
    spec = KINDS_BY_NAME.get(kind)
    dropped = [LINE_FIELD, *(c.field for c in spec.columns if not c.kept)] if spec else [LINE_FIELD]
    return frame.drop(columns=[name for name in dropped if name in frame.columns])


def file_codes(rows: int, index: int) -> npt.NDArray[np.signedinteger[Any]]:
    """A frame's `_file` column: its input's index in every row, as int16 (an account has fewer inputs)."""
    return np.full(rows, index, dtype=np.int16 if index < np.iinfo(np.int16).max else np.int32)


def input_size(paths: Sequence[Path]) -> int:
    """Bytes the report files under `paths` hold (a zip's members unpacked), for a progress display.

    Only sizes are looked at (the files are not read), with the same filters as `iter_sources`.
    """
    total = 0
    for path in paths:
        if path.is_dir():
            files = [
                child
                for child in walk_folder(path).files
                if child.suffix.lower() in REPORT_SUFFIXES and not is_fetch_manifest(child)
            ]
        else:
            files = [path] if path.is_file() else []
        for file in files:
            try:
                if zipfile.is_zipfile(file):
                    with zipfile.ZipFile(file) as archive:
                        total += sum(m.file_size for m in archive.infolist() if not m.is_dir())
                else:
                    total += file.stat().st_size
            except (OSError, zipfile.BadZipFile, ValueError):
                continue
    return total
