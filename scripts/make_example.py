"""Regenerate docs/example.md from the demo account: the table and the Markdown as `make run` prints them, trimmed
after the third action (the full outputs are the golden files in tests/golden/), and the plan of action."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEALTHCHECK = [sys.executable, "-m", "healthcheck", "audit", str(ROOT / "sample_reports")]


def output(fmt: str) -> str:
    run = subprocess.run([*HEALTHCHECK, "--format", fmt, "--width", "110"], capture_output=True, text=True, cwd=ROOT)
    return run.stdout.replace(str(ROOT) + "/", "")


def trimmed_table(text: str) -> str:
    lines = text.splitlines()
    # "│ 4 │", or "│  4 │" once there are ten actions or more
    start = next(i for i, line in enumerate(lines) if line.replace(" ", "").startswith("│4│"))
    rest = next(i for i, line in enumerate(lines) if i > start and line.startswith("└"))
    return "\n".join(
        [
            *lines[: start - 1],
            lines[rest],
            "… then the other actions, the plan of action of each metric in breach, Amazon's own numbers beside "
            "ours, the inputs and the exit code",
        ]
    )


def trimmed_markdown(text: str) -> str:
    head, _, _ = text.partition("\n4. **")
    return head + "\n\n…"


def plan() -> str:
    """The plan of action of the demo's cancellation breach, whole, as `healthcheck plan cr` prints it."""
    command = [sys.executable, "-m", "healthcheck", "plan", "cr", "sample_reports"]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT).stdout.rstrip("\n")


def main() -> int:
    table, markdown = trimmed_table(output("table")), trimmed_markdown(output("markdown"))
    doc = f"""# Example output

`make run` audits the synthetic demo account in `sample_reports/` (see its README). On a terminal (trimmed;
`python scripts/make_example.py` writes this page again):

```
{table}
```

The same as `--format markdown` (trimmed):

```markdown
{markdown}
```

After the actions the audit gives the draft plan of action of the breached cancellation rate (the reports list its
evidence up to 10 orders). `healthcheck plan cr sample_reports/` prints it whole, ready to paste into Seller Central
(`--format markdown` for Markdown); `[FILL IN: ...]` marks what only the seller knows:

```
{plan()}
```

Headroom `2 / 4` reads: at today's volume the window can take 2 more defective orders and stay ok, and 4 more
and stay under target (a third would make it at risk, a fifth would breach it); `0` means the next one tips it.
"Ok again" is the first day the metric is back to ok if nothing new goes wrong, as the counted orders leave the
window. The decisions behind both, the ranking of the actions and the reconciliation are in
[decisions.md](decisions.md).
"""
    (ROOT / "docs" / "example.md").write_text(doc, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
