"""Run bench/baseline.sql on an account folder through DuckDB and print its numbers as one JSON object.

Usage::

    python bench/baseline.py DIR [-o OUT.json]

`make bench` runs this as a subprocess, like healthcheck, so both are timed the same way (interpreter start-up,
imports, reading the files, and writing the result).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

SQL = Path(__file__).with_name("baseline.sql")


def run(folder: Path) -> dict[str, object]:
    """The baseline's as-of date and the numerator and denominator of each metric it computes."""
    con = duckdb.connect()
    literal = str(folder.resolve()).replace("'", "''")
    con.execute(f"SET VARIABLE data_dir = '{literal}'")
    cursor = con.execute(SQL.read_text(encoding="utf-8"))
    row = cursor.fetchone()
    if row is None:
        raise SystemExit("baseline.sql returned no row")
    names = [d[0] for d in cursor.description or ()]
    return dict(zip(names, row, strict=True))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="DuckDB baseline for make bench")
    parser.add_argument("folder", type=Path)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    text = json.dumps(run(args.folder), indent=2) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
