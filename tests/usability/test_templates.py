"""Issue 17, point 13: `healthcheck template KIND` writes a file the audit reads as that kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from healthcheck.cli import main

TINY = Path(__file__).parent.parent / "data" / "tiny"
KINDS = ["claims", "cancellations", "messages"]


def inputs_of(capsys: pytest.CaptureFixture[str], *paths: Path) -> dict[str, dict[str, object]]:
    main(["audit", *map(str, paths), str(TINY), "--as-of", "2026-11-20", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert document["errors"] == []
    return {Path(i["path"]).name: i for i in document["inputs"]}


@pytest.mark.parametrize("kind", KINDS)
def test_the_template_as_written_is_read_as_its_kind(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / f"{kind}.txt"
    assert main(["template", kind, "--output", str(target)]) == 0
    assert f"wrote {target}" in capsys.readouterr().out
    text = target.read_text(encoding="utf-8")
    assert "# e.g. " in text and "(needed)" in text
    found = inputs_of(capsys, target)[target.name]
    assert (found["kind"], found["rows"]) == (kind, 0)


@pytest.mark.parametrize("kind", KINDS)
def test_the_example_rows_filled_in_load_without_a_problem(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["template", kind]) == 0
    text = capsys.readouterr().out
    examples = [line.removeprefix("# e.g. ") for line in text.splitlines() if line.startswith("# e.g. ")]
    target = tmp_path / f"{kind}.txt"
    target.write_text(text + "\n".join(examples) + "\n", encoding="utf-8")
    found = inputs_of(capsys, target)[target.name]
    assert (found["kind"], found["rows"]) == (kind, 2)
    assert "bad_row" not in found["skipped"]  # type: ignore[operator]  # (orders not in tiny may go unmatched)


def test_claims_template_lists_the_accepted_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    main(["template", "claims"])
    text = capsys.readouterr().out
    assert "granted-seller-funded" in text and "granted-amazon-funded" in text and "chargeback" in text


def test_an_unknown_kind_or_an_existing_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "returns"]) == 3
    assert "use one of: claims, cancellations, messages" in capsys.readouterr().err
    existing = tmp_path / "claims.txt"
    existing.write_text("mine\n", encoding="utf-8")
    assert main(["template", "claims", "-o", str(existing)]) == 3
    assert existing.read_text(encoding="utf-8") == "mine\n"
