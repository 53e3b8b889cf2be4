"""Writing and verifying the audit trail. Services call `audit_record` inside their transaction.

The chain is keyed (docs/adr/0009): each row's hash is an HMAC-SHA256 under a secret the database does
not hold, so a database writer cannot re-compute the chain after editing a row. Daily digests of the
chain's head are signed and published outside the database; `verify_all()` checks the chain, the
digests and the business ledgers' latest audited figures.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.module_loading import import_string

from .audit_actions import require as require_action
from .choices import AuditAction
from .models import AuditDigest, AuditEntry, AuditHead
from .request_context import current_request_id

GENESIS_HASH = "0" * 64
KEY_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
MIN_SECRET_LENGTH = 32
DIGEST_ALGORITHM = "HMAC-SHA256"


# --------------------------------------------------------------------------------------------------
# keys


@dataclass(frozen=True)
class AuditKeys:
    """The key new rows are sealed with (`current_id`) and every key verification knows, by id."""

    current_id: str
    secrets: dict[str, bytes]

    def current(self) -> bytes:
        return self.secrets[self.current_id]


def _parse_key(item: str, source: str) -> tuple[str, bytes]:
    key_id, sep, secret = item.strip().partition(":")
    if not sep or not KEY_ID_RE.match(key_id):
        raise ImproperlyConfigured(
            f"{source}: each key is 'id:secret' with an id of 1-32 letters, digits, '_', '.' or '-'."
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise ImproperlyConfigured(
            f"{source}: the secret of key '{key_id}' is shorter than {MIN_SECRET_LENGTH}."
        )
    return key_id, secret.encode("utf-8")


def parse_keys(current: str, others: str) -> AuditKeys:
    """AUDIT_HMAC_KEY = "id:secret" (seals new rows); AUDIT_HMAC_KEYS = "id1:secret1,id2:secret2" (old keys
    that verification still knows after a rotation)."""
    if not current.strip():
        raise ImproperlyConfigured("AUDIT_HMAC_KEY is not set: the audit chain cannot be sealed.")
    current_id, current_secret = _parse_key(current, "AUDIT_HMAC_KEY")
    known = {current_id: current_secret}
    for item in others.split(","):
        if not item.strip():
            continue
        key_id, secret = _parse_key(item, "AUDIT_HMAC_KEYS")
        if known.get(key_id, secret) != secret:
            raise ImproperlyConfigured(f"AUDIT_HMAC_KEYS: key id '{key_id}' is given two different secrets.")
        known[key_id] = secret
    return AuditKeys(current_id, known)


def _key_from_file(path: Path) -> str:
    """The embedded default's key: a file under var/ created on first run (never kept in the database)."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = f"local-{secrets.token_hex(4)}:{secrets.token_urlsafe(48)}"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value


@functools.lru_cache(maxsize=8)
def _load_keys(current: str, others: str, key_file: str) -> AuditKeys:
    if not current.strip() and key_file:
        current = _key_from_file(Path(key_file))
    return parse_keys(current, others)


def audit_keys() -> AuditKeys:
    """The configured keys (settings AUDIT_HMAC_KEY, AUDIT_HMAC_KEYS, AUDIT_HMAC_KEY_FILE)."""
    return _load_keys(
        getattr(settings, "AUDIT_HMAC_KEY", "") or "",
        getattr(settings, "AUDIT_HMAC_KEYS", "") or "",
        str(getattr(settings, "AUDIT_HMAC_KEY_FILE", "") or ""),
    )


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
    content = {
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
    if entry.key_id:  # keyed rows seal their key id too (legacy rows hash exactly as they always did)
        content["key_id"] = entry.key_id
    return content


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def compute_hash(prev_hash: str, entry: AuditEntry, key: bytes | None = None) -> str:
    """HMAC-SHA256 under `key` of prev_hash + the row's canonical JSON; plain SHA-256 for a legacy row
    (key None), as written before the keyed chain."""
    message = prev_hash.encode("utf-8") + _canonical(_content(entry))
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


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
    """Append one record to the chain. Must run inside the caller's transaction (STYLE rule 4).

    `action` is a member of an app's registered `AuditAction` (ipcity/core/audit_actions.py): an
    unregistered code raises ValueError."""
    action = require_action(action)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic")
    if obj is not None:
        # A model that moved between apps keeps the type its entries were written under (`audit_object_type`,
        # e.g. the reporting models still say "plan.progressreport"), so its history reads as one.
        object_type = object_type or getattr(obj, "audit_object_type", "") or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    keys = audit_keys()
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
        key_id=keys.current_id,
    )
    entry.hash = compute_hash(head.hash, entry, keys.current())
    entry.save(force_insert=True)
    head.seq = entry.seq
    head.hash = entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int  # the row concerned; 0 for a problem not tied to one row (a digest file, a ledger)
    problem: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.problem}" if self.seq else self.problem


def verify_chain(batch_size: int = 5000, keys: AuditKeys | None = None) -> Iterator[ChainProblem]:
    """Yield every break in the chain: an edited row, a missing row, a missing tail, a row not sealed
    with a known key (legacy, forged with plain SHA-256, or sealed with a key verification does not know)."""
    keys = keys or audit_keys()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq = 0
    unkeyed: list[int] = []
    queryset = AuditEntry.objects.order_by("seq")
    for entry in queryset.iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            yield ChainProblem(expected_seq, f"rows {expected_seq}..{entry.seq - 1} are missing (deleted)")
            expected_prev = entry.prev_hash
        if entry.prev_hash != expected_prev:
            yield ChainProblem(entry.seq, "prev_hash does not match the previous row (row edited or removed)")
        if not entry.key_id:
            unkeyed.append(entry.seq)
        elif entry.key_id not in keys.secrets:
            yield ChainProblem(
                entry.seq, f"sealed with key id '{entry.key_id}', which is not configured (AUDIT_HMAC_KEYS)"
            )
        elif not hmac.compare_digest(
            compute_hash(entry.prev_hash, entry, keys.secrets[entry.key_id]), entry.hash
        ):
            yield ChainProblem(entry.seq, "content does not match its keyed hash (row edited, or wrong key)")
        expected_prev = entry.hash
        expected_seq = entry.seq + 1
        last_seq = entry.seq
    if unkeyed:
        shown = ", ".join(f"#{n}" for n in unkeyed[:10]) + (" …" if len(unkeyed) > 10 else "")
        yield ChainProblem(
            unkeyed[0],
            f"{len(unkeyed)} row(s) not sealed with a key ({shown}): rows written before the keyed chain "
            "are re-sealed once by `manage.py audit rekey`; any other is forged",
        )
    head = AuditHead.objects.filter(id=1).first()
    if head is not None:
        if head.seq != last_seq:
            yield ChainProblem(head.seq, f"the chain ends at #{last_seq} but the head records #{head.seq}")
        elif head.hash != expected_prev:
            yield ChainProblem(head.seq, "the last row does not match the head's hash")


# --------------------------------------------------------------------------------------------------
# daily digests


def digest_dir() -> Path:
    return Path(
        getattr(settings, "AUDIT_DIGEST_DIR", "") or Path(settings.BASE_DIR) / "var" / "audit-digests"
    )


def _digest_body(day: dt.date, seq: int, head_hash: str, count: int, key_id: str) -> dict[str, Any]:
    return {"day": day.isoformat(), "seq": seq, "hash": head_hash, "count": count, "key_id": key_id}


def sign_digest(body: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def digest_document(digest: AuditDigest) -> dict[str, Any]:
    """The published form of a digest (the file's content and an item of /audit/digests.json)."""
    body = _digest_body(digest.day, digest.seq, digest.hash, digest.count, digest.key_id)
    return {**body, "algorithm": digest.algorithm, "signature": digest.signature}


def _write_digest_file(document: dict[str, Any]) -> Path:
    folder = digest_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{document['day']}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(
        json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    os.replace(tmp, path)
    return path


class DigestRefused(Exception):
    """A digest cannot be published (day not over, unsealed rows, a broken chain, a clashing file)."""


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def audit_digest_publish(*, actor: Any, day: dt.date, today: dt.date | None = None) -> AuditDigest:
    """Sign the chain's head at the end of `day` (a day already over, local time) and publish it: a row
    of the digest table and the file AUDIT_DIGEST_DIR/<day>.json. Publishing a day again changes nothing
    (and restores a missing file from the signed row)."""
    today = today or timezone.localdate()
    if day >= today:
        raise DigestRefused(f"{day} is not over yet: a digest covers a whole day")
    existing = AuditDigest.objects.filter(day=day).first()
    if existing is not None:
        document = digest_document(existing)
        path = digest_dir() / f"{day.isoformat()}.json"
        if not path.exists():
            _write_digest_file(document)
        elif json.loads(path.read_text(encoding="utf-8")) != document:
            raise DigestRefused(f"the published file {path} differs from the digest of {day} in the database")
        return existing
    keys = audit_keys()
    problems = [p for p in verify_chain(keys=keys)]
    if problems:
        raise DigestRefused(
            "the audit chain does not verify; fix it before signing a digest: " + str(problems[0])
        )
    last = AuditEntry.objects.filter(at__lt=_end_of_day(day)).order_by("-seq").first()
    seq, head_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    count = AuditEntry.objects.filter(seq__lte=seq).count()
    body = _digest_body(day, seq, head_hash, count, keys.current_id)
    with transaction.atomic():
        digest = AuditDigest.objects.create(
            day=day,
            seq=seq,
            hash=head_hash,
            count=count,
            key_id=keys.current_id,
            algorithm=DIGEST_ALGORITHM,
            signature=sign_digest(body, keys.current()),
            published_at=timezone.now(),
        )
        audit_record(actor=actor, action=AuditAction.AUDIT_DIGEST, obj=digest, after=digest_document(digest))
        # Written now, not on commit: should the transaction roll back, the file names a digest the
        # table lacks (reported by verify), and publishing the day again writes the same content.
        _write_digest_file(digest_document(digest))
    return digest


def _read_published() -> tuple[dict[str, dict[str, Any]], list[ChainProblem]]:
    published: dict[str, dict[str, Any]] = {}
    problems: list[ChainProblem] = []
    folder = digest_dir()
    if not folder.is_dir():
        return published, problems
    for path in sorted(folder.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            dt.date.fromisoformat(document["day"])
            published[document["day"]] = document
        except (ValueError, KeyError, TypeError):
            problems.append(ChainProblem(0, f"published digest {path.name} cannot be read"))
    return published, problems


def verify_digests(keys: AuditKeys | None = None) -> Iterator[ChainProblem]:
    """Check the chain against every digest published outside the database (AUDIT_DIGEST_DIR), and the
    digest table against those files: a tail cut, or a rewrite of rows a digest covered, even with the
    key, no longer matches."""
    keys = keys or audit_keys()
    published, problems = _read_published()
    yield from problems
    last_seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    for day, document in published.items():
        body = {k: document.get(k) for k in ("day", "seq", "hash", "count", "key_id")}
        key = keys.secrets.get(str(document.get("key_id")))
        if key is None:
            yield ChainProblem(
                0, f"digest of {day}: signed with key id '{document.get('key_id')}', not configured"
            )
            continue
        if not hmac.compare_digest(sign_digest(body, key), str(document.get("signature", ""))):
            yield ChainProblem(
                0, f"digest of {day}: the signature does not match (file edited, or wrong key)"
            )
            continue
        seq = int(document["seq"])
        if seq == 0:
            continue
        row = AuditEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
        if row is None:
            where = f"the chain ends at #{last_seq}" if last_seq < seq else "the row is missing"
            yield ChainProblem(seq, f"the digest of {day} records #{seq}, but {where} (rows deleted)")
        elif row != document["hash"]:
            yield ChainProblem(seq, f"differs from the digest published for {day} (chain rewritten)")
    stored = {d.day.isoformat(): digest_document(d) for d in AuditDigest.objects.all()}
    for day, document in stored.items():
        if day not in published:
            yield ChainProblem(0, f"digest of {day} is in the database but its published file is missing")
        elif published[day] != document:
            yield ChainProblem(0, f"digest of {day} in the database differs from its published file")
    for day in published.keys() - stored.keys():
        yield ChainProblem(0, f"digest of {day} is published but missing from the database")


# --------------------------------------------------------------------------------------------------
# ledgers and the whole check


def ledger_checks() -> list[Callable[[], list[str]]]:
    """Each app's check that its business tables agree with their audited snapshots and their own sums
    (settings.AUDIT_LEDGER_CHECKS, dotted paths of functions returning a list of problems)."""
    return [import_string(path) for path in getattr(settings, "AUDIT_LEDGER_CHECKS", [])]


def verify_all() -> list[ChainProblem]:
    """What `audit verify` and the auditor's page report: the chain, the published digests, the ledgers."""
    keys = audit_keys()
    problems = list(verify_chain(keys=keys))
    problems.extend(verify_digests(keys=keys))
    for check in ledger_checks():
        problems.extend(ChainProblem(0, f"ledger: {text}") for text in check())
    return problems


# --------------------------------------------------------------------------------------------------
# the one-time re-seal after the upgrade


class RekeyRefused(Exception):
    pass


def audit_rekey(*, actor: Any) -> int:
    """Re-seal, once, the rows written before the keyed chain (plain SHA-256, empty key id) — and the keyed
    rows chained after them — with the current key. Refused if there is nothing to re-seal, if unkeyed
    rows are not all at the start of the chain, or if the chain does not verify as it is (legacy rows
    by SHA-256, keyed rows by their key): a re-seal never launders an edit. Audited."""
    keys = audit_keys()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        entries = list(AuditEntry.objects.order_by("seq"))
        legacy = [e.seq for e in entries if not e.key_id]
        if not legacy:
            raise RekeyRefused("nothing to re-seal: every row is already sealed with a key")
        if legacy != list(range(1, len(legacy) + 1)):
            raise RekeyRefused(
                "unkeyed rows appear after keyed ones: they were forged, not written before the upgrade"
            )
        expected = GENESIS_HASH
        for n, entry in enumerate(entries, start=1):
            key = keys.secrets.get(entry.key_id) if entry.key_id else None
            if entry.key_id and key is None:
                raise RekeyRefused(
                    f"#{entry.seq} is sealed with key id '{entry.key_id}', which is not configured"
                )
            if (
                entry.seq != n
                or entry.prev_hash != expected
                or compute_hash(expected, entry, key) != entry.hash
            ):
                raise RekeyRefused(
                    f"the chain does not verify at #{entry.seq}: investigate before re-sealing"
                )
            expected = entry.hash
        if head.seq != len(entries) or head.hash != expected:
            raise RekeyRefused("the head does not match the last row: investigate before re-sealing")
        old_head = head.hash
        prev = GENESIS_HASH
        for entry in entries:
            entry.key_id = keys.current_id
            entry.prev_hash = prev
            entry.hash = compute_hash(prev, entry, keys.current())
            prev = entry.hash
        # `hash` is unique: clear the old values first so no new hash collides with a not-yet-updated row.
        AuditEntry.objects.update(hash=Concat(models.Value("rekey-"), Cast("seq", models.CharField())))
        AuditEntry.objects.bulk_update(entries, ["key_id", "prev_hash", "hash"], batch_size=1000)
        head.hash = prev
        head.save(update_fields=["hash"])
        audit_record(
            actor=actor,
            action=AuditAction.AUDIT_REKEY,
            object_type="core.auditentry",
            object_repr="audit chain",
            before={"unkeyed_rows": len(legacy), "head": old_head},
            after={"rows": len(entries), "key_id": keys.current_id, "head": prev},
        )
    return len(legacy)


def data_version() -> str:
    """A value that changes with every audited write: the chain head's sequence number and hash.

    Every change to the platform's data is audited in the same transaction (STYLE rule 4), so a cache
    keyed by this value is never stale. Read it *before* the data it guards: a write that commits
    in between then lands under the old key, which nobody asks for again."""
    head = AuditHead.objects.filter(id=1).values_list("seq", "hash").first()
    return f"{head[0]}-{head[1][:12]}" if head else "0"
