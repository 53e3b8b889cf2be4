"""The content hash of a parsed row: an unchanged row (same values, same derivation inputs) is skipped."""

from __future__ import annotations

import hashlib
from typing import Any

from ..writer import WRITE_FIELDS


def content_hash(values: dict[str, Any], key: str) -> str:
    parts = [key]
    parts += [v if type(v) is str else "" if v is None else str(v) for v in map(values.get, _HASH_FIELDS)]
    return hashlib.md5("\x1f".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


_HASH_FIELDS = tuple(
    f for f in WRITE_FIELDS if f not in {"content_hash", "valid_from", "valid_until", "hv_from"}
)
