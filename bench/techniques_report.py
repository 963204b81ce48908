"""Markdown tables from the figures JSON written by
``propwatch train export-techniques --figures FILE``.

Usage: python bench/techniques_report.py FIGURES.json [PART]   (PART: test (default) or val)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from propwatch.techniques.labels import TECHNIQUES


def _row(name: str, d: dict[str, Any]) -> str:
    return (
        f"| {name} | {d['precision']:.3f} | {d['recall']:.3f} | {d['f1']:.3f} "
        f"| {d['n_pred']} | {d['n_gold']} |"
    )


def main() -> None:
    figures = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    part = sys.argv[2] if len(sys.argv) > 2 else "test"
    f = figures[part]
    head = "| | P | R | F1 | predicted | gold |\n|---|---|---|---|---|---|"
    print(head)
    print(_row("SI", f["si"]))
    print(_row("TC (gold spans, micro)", f["tc"]))
    print(_row("FLC (span + technique)", f["flc"]))
    print()
    print("| technique | TC P | TC R | TC F1 | FLC P | FLC R | FLC F1 | gold spans |")
    print("|---|---|---|---|---|---|---|---|")
    for t in TECHNIQUES:
        tc, flc = f["tc_per"][t], f["flc_per"][t]
        print(
            f"| {t} | {tc['precision']:.3f} | {tc['recall']:.3f} | {tc['f1']:.3f} "
            f"| {flc['precision']:.3f} | {flc['recall']:.3f} | {flc['f1']:.3f} | {tc['n_gold']} |"
        )


if __name__ == "__main__":
    main()
