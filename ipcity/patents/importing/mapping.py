"""Column mappings: which header of an export means which field (YAML files in ipcity/patents/mappings/),
and the value tables that translate an export's words (e.g. 发明) into ours."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from .errors import ImportFileError

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"
CANONICAL_COLUMNS = [
    "application_number",
    "type",
    "title",
    "filing_date",
    "grant_date",
    "ipc_main",
    "ipc",
    "holders",
    "district",
    "legal_status",
    "overseas_family_granted",
    "pledge_amount",
    "award",
]


@dataclass
class Mapping:
    name: str
    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def resolve(self, headers: list[str]) -> dict[str, str]:
        """header → field for the headers this mapping knows (first header per field wins)."""
        out: dict[str, str] = {}
        taken: set[str] = set()
        for header in headers:
            key = norm_header(header)
            target = self.columns.get(key)
            if target and target not in taken:
                out[header] = target
                taken.add(target)
        return out


def norm_header(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip().lstrip("\ufeff")


def _read_mapping(path: Path) -> Mapping:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    columns = {norm_header(k): str(v) for k, v in (data.get("columns") or {}).items()}
    # NFKC turns full-width brackets into ASCII ones, so both spellings match.
    values = {
        f: {norm_header(k): str(v) for k, v in table.items()}
        for f, table in (data.get("values") or {}).items()
    }
    return Mapping(name=str(data.get("name") or path.stem), columns=columns, values=values)


def available_mappings() -> list[str]:
    return ["auto"] + sorted(p.stem for p in MAPPINGS_DIR.glob("*.yaml"))


def load_mapping(name: str = "auto") -> Mapping:
    """A mapping by name (a file in ipcity/patents/mappings/), a path to a YAML file, or "auto":
    every known mapping at once (canonical names and the Chinese export names)."""
    if name in ("", "auto"):
        merged = Mapping(name="auto", columns={}, values={})
        for path in sorted(MAPPINGS_DIR.glob("*.yaml")):
            part = _read_mapping(path)
            for k, v in part.columns.items():
                merged.columns.setdefault(k, v)
            for f, table in part.values.items():
                merged.values.setdefault(f, {}).update(table)
        return merged
    candidate = MAPPINGS_DIR / f"{name}.yaml"
    if re.fullmatch(r"[A-Za-z0-9_-]+", name) and candidate.exists():
        return _read_mapping(candidate)
    path = Path(name)
    if path.suffix in {".yaml", ".yml"} and path.exists():
        return _read_mapping(path)
    raise ImportFileError(
        _("Unknown column mapping %(name)s. Known: %(known)s.")
        % {"name": name, "known": ", ".join(available_mappings())}
    )


# ---------------------------------------------------------------- readers
