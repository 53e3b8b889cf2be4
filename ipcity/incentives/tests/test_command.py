"""The CLI gives the same JSON as the API."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


def run(*args: str) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("incentives", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def test_calculate_inline_json() -> None:
    code, body = run(
        "calculate",
        '{"scheme": "madrid_trademark", "date": "2023-06-30", "facts": {"items": [{"requested_amount": "25000"}]}}',
    )
    assert code == 0
    assert body["amount"] == "20000.00" and body["trace"][1]["clause"] == "二(五)4"


def test_calculate_with_options_and_override() -> None:
    code, body = run(
        "calculate",
        "--scheme=madrid_trademark",
        "--date=2023-06-30",
        '--facts={"items": [{"requested_amount": "25000"}]}',
        '--overrides={"cap_per_item": "30000"}',
        "--no-trace",
    )
    assert code == 0 and body["amount"] == "25000.00" and body["trace"] == []


def test_calculate_errors_exit_nonzero() -> None:
    code, body = run("calculate", '{"scheme": "nope", "date": "2023-06-30"}')
    assert code == 2 and "nope" in body["detail"]
    code, body = run("calculate", '{"scheme": "madrid_trademark", "date": "2023-06-30", "facts": {}}')
    assert code == 1 and body["detail"][0]["field"] == "facts.items"


def test_list_and_show() -> None:
    code, body = run("list")
    assert code == 0 and body["count"] == 27
    code, body = run("show", "gi_project", "--date", "2023-01-01")
    assert body["parameters_on"]["values"] == {"cap_national": "1000000.00", "cap_provincial": "500000.00"}


def test_simulate_file(tmp_path: Path) -> None:
    batch = tmp_path / "batch.json"
    batch.write_text(
        json.dumps(
            [
                {
                    "scheme": "madrid_trademark",
                    "date": "2023-06-30",
                    "facts": {"items": [{"requested_amount": "25000"}]},
                }
            ]
        )
    )
    code, body = run(
        "simulate",
        str(batch),
        "--reform",
        '[{"scheme": "madrid_trademark", "parameter": "cap_per_item", "value": "30000"}]',
    )
    assert code == 0 and body["total"]["difference"] == "5000.00"


@pytest.mark.parametrize("content", [b"\x00\x01garbage", b'{"applications": 5}'])
def test_simulate_unreadable_file(tmp_path: Path, content: bytes) -> None:
    batch = tmp_path / "batch.json"
    batch.write_bytes(content)
    code, body = run("simulate", str(batch))
    assert code == 1
