"""Import bombs (issue 8, finding 10): peak memory and time of reading hostile uploads, before and after
the guarded reader (ipcity/core/spreadsheets.py).

Builds, in a temporary directory:

1. the whitespace bomb of the finding: a ~0.5 MB .xlsx whose sheet XML carries 500 MiB of blanks;
2. the dimension bomb: a 1.6 KB .xlsx declaring ``<dimension ref="A1:ZZ60000"/>`` over two real rows;
3. an honest 20,000-row entity workbook (the entity import's limit), to show the guard costs nothing;
4. an honest 1,000,000-row patent CSV, for the cost of the patent import's row-limit check (also run
   on the honest workbook: the row tags of its sheet XML are counted).

Each bomb and the honest workbook is read in a fresh Python process, once with the entity import's former reader
(``load_workbook(read_only=True)`` + ``list(iter_rows())``, copied below as ``before``) and once with
the current one (``ipcity.orgs.importing.read_rows``); the process reports the peak RSS it added
(VmHWM after − VmRSS before, with the high-water mark reset first) and the time.
Usage: .venv/bin/python bench/import_bombs.py [--quick]   (--quick: 50 MiB of blanks instead of 500)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MiB = 1024 * 1024


def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def before(path: Path) -> int:
    """The entity import's reader before the fix (ipcity/orgs/importing.py read_rows, .xlsx branch)."""
    from openpyxl import load_workbook

    with open(path, "rb") as stream:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    return len(rows)


def after(path: Path) -> int:
    from ipcity.orgs.importing import read_rows

    with open(path, "rb") as stream:
        return len(read_rows(stream, path.name))


def patents_check(path: Path) -> str:
    """The patent import's check before its first batch: an upper bound (lines, or row tags of the sheet
    XML) within the limit, else one counting pass."""
    from ipcity.patents.importing import reader_for

    reader = reader_for(path)
    reader.check_limits()
    return f"within {reader.limits.max_rows:,}"


def measure(mode: str, path: Path) -> dict[str, Any]:
    """Run in a child process: one read, its added peak RSS and time."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    import openpyxl  # noqa: F401 - imported before the baseline, like in a worker

    import ipcity.orgs.importing  # noqa: F401
    import ipcity.patents.importing  # noqa: F401

    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset VmHWM to the current RSS
    except OSError:
        pass
    baseline = _status("VmRSS")
    started = time.perf_counter()
    try:
        reader = {"before": before, "after": after, "patents_check": patents_check}[mode]
        value = reader(path)
        outcome = value if isinstance(value, str) else f"read, {value} rows"
    except Exception as exc:  # noqa: BLE001 - the outcome is what we report
        outcome = f"refused: {getattr(exc, 'code', type(exc).__name__)}"
    seconds = time.perf_counter() - started
    return {
        "added_peak_mb": round((_status("VmHWM") - baseline) / MiB, 1),
        "seconds": round(seconds, 3),
        "outcome": outcome,
    }


def build(directory: Path, blanks: int) -> dict[str, Path]:
    from ipcity.core.tests import bombs

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from ipcity.orgs.importing import COLUMNS
    from ipcity.orgs.tests.fixtures import make_uscc

    header = [f"{zh} / {en}" for _k, zh, en, _r in COLUMNS]

    def entity(i: int) -> list[Any]:
        return [
            make_uscc(i),
            f"烟台测试{i}有限公司",
            "enterprise",
            "芝罘区",
            "烟台市芝罘区某路1号",
            "张三",
            "0535-0000000",
        ]

    files = {
        "whitespace bomb": bombs.whitespace_bomb(directory / "whitespace.xlsx", header, entity(1), blanks),
        "dimension bomb A1:ZZ60000": bombs.dimension_bomb(directory / "dimension.xlsx", header, entity(1)),
        "honest 20,000 rows": bombs.write_xlsx(
            directory / "honest.xlsx", [header] + [entity(i) for i in range(20_000)]
        ),
    }
    patents = directory / "patents.csv"
    with open(patents, "w", encoding="utf-8") as fh:
        fh.write("application_number,title,filing_date\n")
        for i in range(1_000_000):
            fh.write(f"CN2020{i:07d}.X,一种测试装置{i},2020-01-01\n")
    files["patent CSV 1,000,000 rows"] = patents
    return files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--measure", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    blanks = (50 if args.quick else 500) * MiB
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        files = build(Path(tmp), blanks)
        print(f"built the files in {time.perf_counter() - started:.1f} s")
        results = []
        for label, path in files.items():
            modes = ["patents_check"] if path.suffix == ".csv" else ["before", "after"]
            if label.startswith("honest"):
                modes.append("patents_check")
            for mode in modes:
                out = subprocess.run(
                    [sys.executable, __file__, "--measure", mode, str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                )
                figures = json.loads(out.stdout.strip().splitlines()[-1])
                results.append({"file": label, "bytes": path.stat().st_size, "reader": mode, **figures})
                print(
                    f"{label:28} {path.stat().st_size:>12,} B  {mode:14} "
                    f"+{figures['added_peak_mb']:>8} MB peak  {figures['seconds']:>8} s  {figures['outcome']}"
                )
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "import_bombs.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
