"""The attack corpus: folders under `corpus/`, copied into a test's temporary folder with `<U+XXXX>` decoded."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
TINY = Path(__file__).parent.parent / "data" / "tiny"
AS_OF = "2024-05-10"
_ESCAPE = re.compile(r"<U\+([0-9A-F]{4})>")


def decode_escapes(text: str) -> str:
    return _ESCAPE.sub(lambda found: chr(int(found.group(1), 16)), text)


def materialise(name: str, target: Path) -> Path:
    """Copy corpus folder `name` to `target/name`, decoding the escapes; the folder to audit."""
    folder = target / name
    folder.mkdir(parents=True)
    for source in sorted((CORPUS / name).iterdir()):
        data = source.read_bytes()
        if source.suffix in (".txt", ".tsv", ".csv", ".toml", ".json"):
            data = decode_escapes(data.decode("utf-8")).encode("utf-8")
        (folder / source.name).write_bytes(data)
    return folder


def tiny_copy(target: Path) -> Path:
    """A copy of the tiny account (one late shipment, MFN and FBA orders) to add a hostile file to."""
    folder = target / "reports"
    shutil.copytree(TINY, folder)
    return folder
