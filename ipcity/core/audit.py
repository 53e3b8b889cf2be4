"""Writing and verifying the audit trail. Services call `audit_record` inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .models import AuditEntry, AuditHead
from .request_context import current_request_id

GENESIS_HASH = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a model instance, JSON-safe, for `before`/`after`."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = _jsonable(getattr(instance, field.attname))
    return data


def _content(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_repr": entry.actor_repr,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
    }


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    payload = json.dumps(_content(entry), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one record to the chain. Must run inside the caller's transaction (STYLE rule 4)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        seq=head.seq + 1,
        at=timezone.now(),
        actor=actor if is_user else None,
        actor_repr=(actor.get_username() if is_user else str(actor or "system"))[:200],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        request_id=current_request_id(),
        prev_hash=head.hash,
    )
    entry.hash = compute_hash(head.hash, entry)
    entry.save(force_insert=True)
    head.seq = entry.seq
    head.hash = entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.problem}"


def verify_chain(batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Yield every break in the chain: an edited row, a missing row, or a missing tail."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq = 0
    queryset = AuditEntry.objects.order_by("seq")
    for entry in queryset.iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            yield ChainProblem(expected_seq, f"rows {expected_seq}..{entry.seq - 1} are missing (deleted)")
            expected_prev = entry.prev_hash
        if entry.prev_hash != expected_prev:
            yield ChainProblem(entry.seq, "prev_hash does not match the previous row (row edited or removed)")
        if compute_hash(entry.prev_hash, entry) != entry.hash:
            yield ChainProblem(entry.seq, "content does not match its hash (row edited)")
        expected_prev = entry.hash
        expected_seq = entry.seq + 1
        last_seq = entry.seq
    head = AuditHead.objects.filter(id=1).first()
    if head is not None:
        if head.seq != last_seq:
            yield ChainProblem(head.seq, f"the chain ends at #{last_seq} but the head records #{head.seq}")
        elif head.hash != expected_prev:
            yield ChainProblem(head.seq, "the last row does not match the head's hash")


def data_version() -> str:
    """A value that changes with every audited write: the chain head's sequence number and hash.

    Every change to the platform's data is audited in the same transaction (STYLE rule 4), so a cache
    keyed by this value is never stale. Read it *before* the data it guards: a write that commits
    in between then lands under the old key, which nobody asks for again."""
    head = AuditHead.objects.filter(id=1).values_list("seq", "hash").first()
    return f"{head[0]}-{head[1][:12]}" if head else "0"
