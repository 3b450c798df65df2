"""The fast path of reading (SPEC 1.1): pyarrow's multi-threaded CSV reader over a clean report, from its bytes
(`reader.read_table`) or from its file (`large_file.read_large`).

`fast_read` returns None wherever the file is not clean (a short, long or blank row, a quoted line break): the
exact reader of `reader.py` then reads it, and knows every line number.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from healthcheck.loaders.header import Header
from healthcheck.loaders.repeated import arrow_type

LINE_FIELD = "_line"


def fast_read(
    source: pa.NativeFile, newlines: Callable[[], int], header: Header, positions: dict[str, int], first_line: int
) -> pd.DataFrame | None:
    """The declared columns of the body `source` holds (from its first data row, trailing line breaks left out
    or one line break at most), as strings; `newlines()` counts the body's line breaks, asked only of quoted files.

    `source` must hold valid UTF-8, as every caller has proven (`decode.decode` of a file's bytes, the large
    file's checking pass): arrow then does not check each value again, which was a tenth of its time.

    A blank line is read as a row of empty values (`ignore_empty_lines=False`), which `_has_blank_rows` sends to
    the exact reader.
    """
    width = len(header.names)
    names = [f"c{i}" for i in range(width)]
    invalid: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    wanted = {f"c{pos}": field for field, pos in positions.items()}
    repeated = {column.field for column in header.kind.columns if column.repeated}
    try:
        table = pacsv.read_csv(
            source,
            # 8 MB blocks: measured 0.2 s faster than 16 MB (and than 1-4 MB) loading a 1M-order account.
            read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=header.delimiter,
                quote_char=False if header.delimiter == "\t" else '"',  # tab files are never quoted (SPEC 1.1)
                newlines_in_values=False,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                check_utf8=False,  # proven already (above)
                include_columns=list(wanted),
                # pandas' `str` columns are large_string: read them as such, or every column is converted again.
                column_types={
                    name: arrow_type() if field in repeated else pa.large_string() for name, field in wanted.items()
                },
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    if invalid:
        return None
    if header.delimiter != "\t" and table.num_rows != newlines() + 1:
        return None  # a quoted field spans lines: row i is no longer line first_line + i
    if wanted and _has_blank_rows(table):
        return None  # `,,,,` rows left by Excel are blank, not bad rows; only the full line can tell
    frame = table.rename_columns([wanted[n] for n in table.column_names]).to_pandas()
    frame[LINE_FIELD] = np.arange(first_line, first_line + len(frame), dtype=np.int32)
    return frame


def _has_blank_rows(table: pa.Table) -> bool:
    """Whether some row is empty in every column read (it may be a row of only delimiters)."""
    blank: pa.ChunkedArray | None = None
    for column in table.columns:
        empty = pc.equal(_lengths(column), 0)
        blank = empty if blank is None else pc.and_(blank, empty)
        if not pc.any(blank).as_py():
            return False  # usually decided by the first column (an order id is never empty)
    return blank is not None


def _lengths(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each value's length in bytes; a dictionary column's measured once per distinct value."""
    if not pa.types.is_dictionary(column.type):
        return pc.utf8_length(column)
    return pa.chunked_array(
        [pc.take(pc.utf8_length(chunk.dictionary), chunk.indices) for chunk in column.chunks], type=pa.int64()
    )


def empty_frame(positions: dict[str, int]) -> pd.DataFrame:
    frame = pd.DataFrame({f: pd.Series([], dtype="str") for f in positions})
    frame[LINE_FIELD] = np.asarray([], dtype=np.int32)
    return frame
