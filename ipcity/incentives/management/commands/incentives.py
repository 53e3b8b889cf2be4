"""python manage.py incentives calculate|list|show|simulate — the same JSON as /api/incentives.

  incentives list
  incentives show madrid_trademark [--date 2023-06-30]
  incentives calculate '{"scheme": "madrid_trademark", "date": "2023-06-30", "facts": {"items": [{"requested_amount": "25000"}]}}'
  incentives calculate request.json          (or - for stdin)
  incentives calculate --scheme madrid_trademark --date 2023-06-30 --facts '{"items": [...]}'
  incentives simulate batch.csv|batch.xlsx|batch.json --reform '[{"scheme": "madrid_trademark", "parameter": "cap_per_item", "value": "30000"}]'

Exit status: 0 answered, 1 invalid input (422), 2 unknown scheme (404).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ipcity.incentives.catalogue import (
    calculate_payload,
    error_detail,
    get_catalogue,
    not_found,
    read_batch_upload,
    simulate_payload,
)
from ipcity.incentives.engine.errors import fact_error

EXIT = {200: 0, 422: 1, 404: 2}


def _read_json_argument(text: str) -> Any:
    """Inline JSON, a path to a JSON file, or - for stdin."""
    if text == "-":
        return json.load(sys.stdin)
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        return json.loads(stripped)
    return json.loads(Path(text).read_text(encoding="utf-8"))


class Command(BaseCommand):
    help = "Incentive rules engine: list schemes, calculate one application, simulate a batch under a reform."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list the schemes (JSON)")
        show = sub.add_parser("show", help="one scheme with its parameters and clause text")
        show.add_argument("scheme")
        show.add_argument("--date", default=None)
        calc = sub.add_parser("calculate", help="calculate one application")
        calc.add_argument("request", nargs="?", help="JSON request, a file holding it, or - for stdin")
        calc.add_argument("--scheme")
        calc.add_argument("--date")
        calc.add_argument("--facts", help="JSON object of facts")
        calc.add_argument("--overrides", help="JSON object {parameter: value}")
        calc.add_argument("--no-trace", action="store_true")
        sim = sub.add_parser("simulate", help="simulate a batch (JSON, CSV or Excel) under a reform")
        sim.add_argument("batch", help="file with the applications")
        sim.add_argument("--reform", default="[]", help="JSON list of changes, or a file holding it")

    def _emit(self, status: int, body: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
        if status != 200:
            raise SystemExit(EXIT.get(status, 1))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        catalogue = get_catalogue()
        if action == "list":
            today = dt.date.today()  # noqa: DTZ011 - a calendar date for display only
            schemes = [s.to_dict(s.reference_date(today)) for s in catalogue.schemes.values()]
            return self._emit(200, {"count": len(schemes), "schemes": schemes})
        if action == "show":
            scheme_id = options["scheme"]
            if scheme_id not in catalogue.schemes:
                return self._emit(404, not_found(scheme_id))
            on = catalogue.schemes[scheme_id].reference_date(dt.date.today())  # noqa: DTZ011
            if options["date"]:
                try:
                    on = dt.date.fromisoformat(options["date"])
                except ValueError:
                    return self._emit(
                        422, error_detail([fact_error("date", "not_a_date", "须为日期", "must be a date")])
                    )
            return self._emit(200, catalogue.schemes[scheme_id].to_dict(on))
        if action == "calculate":
            try:
                if options["request"]:
                    payload = _read_json_argument(options["request"])
                else:
                    payload = {"scheme": options["scheme"], "date": options["date"]}
                    payload["facts"] = json.loads(options["facts"]) if options["facts"] else {}
                    if options["overrides"]:
                        payload["overrides"] = json.loads(options["overrides"])
                if options["no_trace"] and isinstance(payload, dict):
                    payload["trace"] = False
            except (ValueError, OSError) as exc:
                return self._emit(
                    422,
                    error_detail(
                        [fact_error("request", "invalid_json", "不是有效的 JSON", f"not valid JSON ({exc})")],
                        "en",
                    ),
                )
            return self._emit(*calculate_payload(payload, "en"))
        if action == "simulate":
            path = Path(options["batch"])
            try:
                data = path.read_bytes()
                reform = _read_json_argument(options["reform"])
            except (ValueError, OSError) as exc:
                return self._emit(
                    422,
                    error_detail(
                        [fact_error("batch", "unreadable", "无法读取", f"cannot read ({exc})")], "en"
                    ),
                )
            applications, problem = read_batch_upload(data, path.name, "en")
            if applications is None:
                return self._emit(422, problem)
            return self._emit(*simulate_payload(applications, reform, "en"))
        return None
