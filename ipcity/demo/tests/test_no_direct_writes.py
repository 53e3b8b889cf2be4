"""The demo writes only through services (docs/adr/0018-demo-through-services.md): no module of
ipcity.demo (tests aside) writes a table itself."""

from __future__ import annotations

import re
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent
DIRECT_WRITES = re.compile(
    r"\.objects\.(create|get_or_create|update_or_create)\(|\.save\(|bulk_create|bulk_update|\.update\(|\.delete\("
)


def test_the_demo_writes_no_table_directly() -> None:
    modules = [p for p in DEMO.rglob("*.py") if "tests" not in p.relative_to(DEMO).parts]
    assert len(modules) >= 8  # the parts, the command: the test sees them
    found = [
        f"{path.relative_to(DEMO)}:{number}: {line.strip()}"
        for path in modules
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DIRECT_WRITES.search(line)
    ]
    assert found == []
