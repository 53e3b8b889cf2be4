"""The keyed audit chain, its published daily digests and the one-time re-seal (docs/adr/0009).

Each test plays someone with write access to the database (plain ORM updates, no service) and checks that
`audit verify` reports what they did."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ipcity.core import audit
from ipcity.core.audit import (
    GENESIS_HASH,
    DigestRefused,
    RekeyRefused,
    audit_digest_publish,
    audit_keys,
    audit_record,
    audit_rekey,
    compute_hash,
    verify_all,
    verify_chain,
)
from ipcity.core.models import AuditDigest, AuditEntry, AuditHead

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thing_action")]

KEY_A = "k2025:" + "a" * 40
KEY_B = "k2026:" + "b" * 40
TODAY = timezone.localdate()
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def digests(settings: Any, tmp_path: Path) -> Path:
    settings.AUDIT_DIGEST_DIR = tmp_path / "audit-digests"
    return tmp_path / "audit-digests"


def _write(n: int, actor: Any = "test") -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=actor, action="thing.create", object_type="test.thing", object_id=i, after={"i": i}
            )


def _verify() -> tuple[bool, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as exc:
        return False, err.getvalue() + str(exc)
    return True, out.getvalue()


def _reseal_from(seq: int, *, key: bytes | None, key_id: str | None = None) -> None:
    """What a database writer does after editing row `seq`: recompute every hash from there on (with
    `key`, or plain SHA-256 when None) and move the head, so that the chain links up again."""
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS_HASH
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        if key_id is not None:
            entry.key_id = key_id
        entry.prev_hash = prev
        entry.hash = compute_hash(prev, entry, key)
        AuditEntry.objects.filter(pk=entry.pk).update(
            key_id=entry.key_id, prev_hash=entry.prev_hash, hash=entry.hash
        )
        prev = entry.hash
    AuditHead.objects.filter(id=1).update(hash=prev)


# --- the key ----------------------------------------------------------------------------------------


def test_rows_are_sealed_with_the_configured_key(orgs: Any) -> None:
    _write(2)
    keys = audit_keys()
    for entry in AuditEntry.objects.all():
        assert entry.key_id == keys.current_id == "test"
        assert entry.hash == compute_hash(entry.prev_hash, entry, keys.current())
        assert entry.hash != compute_hash(entry.prev_hash, entry, None)  # not plain SHA-256


def test_edit_recomputed_with_plain_sha256_is_reported(orgs: Any) -> None:
    """Before the key, editing a row and recomputing the rest with SHA-256 left `audit verify` intact."""
    _write(5)
    AuditEntry.objects.filter(seq=3).update(actor_repr="mallory")
    _reseal_from(3, key=None)
    assert [p.seq for p in verify_chain()] == [3, 4, 5]
    ok, text = _verify()
    assert not ok and "#3" in text and "keyed hash" in text


def test_edit_recomputed_as_unkeyed_legacy_rows_is_reported(orgs: Any) -> None:
    """Clearing the key id to pass rows off as written before the keyed chain does not help."""
    _write(5)
    AuditEntry.objects.filter(seq=4).update(action="thing.delete")
    _reseal_from(4, key=None, key_id="")
    ok, text = _verify()
    assert not ok and "2 row(s) not sealed with a key (#4, #5)" in text


def test_a_wrong_key_is_reported(orgs: Any, settings: Any) -> None:
    _write(3)
    settings.AUDIT_HMAC_KEY = "test:" + "w" * 40  # same id, another secret
    ok, text = _verify()
    assert not ok and "wrong key" in text and "#1" in text and "#3" in text


def test_rows_sealed_with_an_unknown_key_id_are_reported(orgs: Any, settings: Any) -> None:
    settings.AUDIT_HMAC_KEY = KEY_A
    _write(2)
    settings.AUDIT_HMAC_KEY = KEY_B
    ok, text = _verify()
    assert not ok and "key id 'k2025'" in text


def test_key_rotation_old_rows_verify_while_the_old_key_is_listed(orgs: Any, settings: Any) -> None:
    settings.AUDIT_HMAC_KEY = KEY_A
    _write(3)
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEYS = KEY_B, KEY_A
    _write(2)
    assert list(AuditEntry.objects.order_by("seq").values_list("key_id", flat=True)) == [
        "k2025",
        "k2025",
        "k2025",
        "k2026",
        "k2026",
    ]
    ok, text = _verify()
    assert ok and "5 record(s)" in text
    # a row sealed with the old key is still protected by it
    AuditEntry.objects.filter(seq=2).update(object_repr="changed")
    ok, text = _verify()
    assert not ok and "#2" in text


def test_key_configuration_is_refused_when_malformed(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    for current, others in [
        ("", ""),
        ("k1:short", ""),
        ("no-separator-" + "x" * 40, ""),
        (KEY_A, "k2025:" + "c" * 40),  # one id, two secrets
    ]:
        settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEYS = current, others
        with pytest.raises(ImproperlyConfigured):
            audit_keys()


def test_embedded_default_key_file_is_created_once_outside_the_database(
    settings: Any, tmp_path: Path
) -> None:
    settings.AUDIT_HMAC_KEY = ""
    settings.AUDIT_HMAC_KEY_FILE = tmp_path / "var" / "audit-hmac.key"
    first = audit_keys()
    assert settings.AUDIT_HMAC_KEY_FILE.stat().st_mode & 0o777 == 0o600
    audit._load_keys.cache_clear()
    assert audit_keys() == first  # stable across restarts
    assert first.current_id.startswith("local-") and len(first.current()) >= 32


# --- published digests -----------------------------------------------------------------------------


def test_digest_is_signed_and_published_outside_the_database(orgs: Any, digests: Path) -> None:
    _write(4)
    digest = audit_digest_publish(actor="test", day=TODAY, today=TOMORROW)
    assert (digest.seq, digest.count) == (4, 4)
    assert digest.hash == AuditEntry.objects.get(seq=4).hash
    published = json.loads((digests / f"{TODAY.isoformat()}.json").read_text())
    assert published["seq"] == 4 and published["signature"] == digest.signature
    assert AuditEntry.objects.filter(action="audit.digest").count() == 1
    # again: nothing changes
    assert audit_digest_publish(actor="test", day=TODAY, today=TOMORROW).pk == digest.pk
    assert AuditDigest.objects.count() == 1
    ok, text = _verify()
    assert ok, text


def test_a_day_not_over_is_not_digested(orgs: Any) -> None:
    with pytest.raises(DigestRefused):
        audit_digest_publish(actor="test", day=TODAY)


def test_a_broken_chain_is_not_signed(orgs: Any) -> None:
    _write(3)
    AuditEntry.objects.filter(seq=2).update(action="x")
    with pytest.raises(DigestRefused):
        audit_digest_publish(actor="test", day=TODAY, today=TOMORROW)
    assert not AuditDigest.objects.exists()


def test_tail_cut_is_found_against_the_published_digest(orgs: Any) -> None:
    """Deleting the last rows and moving the head back leaves a chain that links up: only the published
    digest still knows how far it went."""
    _write(5)
    audit_digest_publish(actor="test", day=TODAY, today=TOMORROW)  # covers #1..#5 (#6 is its own record)
    last = AuditEntry.objects.get(seq=3)
    AuditEntry.objects.filter(seq__gt=3).delete()
    AuditDigest.objects.all().delete()  # the writer cleans the table too
    AuditHead.objects.filter(id=1).update(seq=3, hash=last.hash)
    assert list(verify_chain()) == []  # the chain alone looks intact
    ok, text = _verify()
    assert not ok
    assert "the digest of" in text and "records #5, but the chain ends at #3" in text
    assert "is published but missing from the database" in text


def test_rewrite_with_the_key_is_found_against_the_published_digest(orgs: Any) -> None:
    """Even someone holding the key cannot rewrite a day that was published."""
    _write(4)
    audit_digest_publish(actor="test", day=TODAY, today=TOMORROW)
    AuditEntry.objects.filter(seq=2).update(object_repr="rewritten")
    _reseal_from(2, key=audit_keys().current())
    assert list(verify_chain()) == []
    ok, text = _verify()
    assert not ok and "#4" in text and "chain rewritten" in text


def test_edited_or_missing_digest_file_is_reported(orgs: Any, digests: Path) -> None:
    _write(2)
    audit_digest_publish(actor="test", day=TODAY, today=TOMORROW)
    path = digests / f"{TODAY.isoformat()}.json"
    document = json.loads(path.read_text())
    path.write_text(json.dumps({**document, "seq": 1, "hash": AuditEntry.objects.get(seq=1).hash}))
    ok, text = _verify()
    assert not ok and "signature does not match" in text
    path.unlink()
    ok, text = _verify()
    assert not ok and "published file is missing" in text
    audit_digest_publish(actor="test", day=TODAY, today=TOMORROW)  # restores the file from the signed row
    ok, text = _verify()
    assert ok, text


def test_digest_command_and_daily_task(orgs: Any, digests: Path) -> None:
    from ipcity.core.tasks import audit_daily

    _write(2)
    out = io.StringIO()
    yesterday = TODAY - dt.timedelta(days=1)
    call_command("audit", "digest", "--day", yesterday.isoformat(), stdout=out)
    assert f"digest of {yesterday}" in out.getvalue() and (digests / f"{yesterday}.json").exists()
    with pytest.raises(CommandError):
        call_command("audit", "digest", "--day", TODAY.isoformat(), stdout=io.StringIO())
    result = audit_daily()  # yesterday's digest exists already: kept; then everything verifies
    assert result == {"day": yesterday.isoformat(), "digest_published": True, "problems": 0}
    assert AuditDigest.objects.get(day=yesterday).seq == 0  # the rows were written today


def test_public_digest_list_and_auditor_page(client: Client, users: Any) -> None:
    _write(2)
    audit_digest_publish(actor="test", day=TODAY, today=TOMORROW)
    public = client.get("/audit/digests.json").json()
    assert public["algorithm"] == "HMAC-SHA256"
    assert public["digests"][0]["day"] == TODAY.isoformat() and public["digests"][0]["seq"] == 2
    client.force_login(users["auditor"])
    page = client.get("/audit/verify/")
    assert b"chain-intact" in page.content and b'id="digests"' in page.content


# --- the one-time re-seal after the upgrade ------------------------------------------------------------


def _as_legacy(upto: int) -> None:
    """Rows #1..#upto as they were before the keyed chain: plain SHA-256, no key id."""
    _reseal_from(1, key=None, key_id="")
    keys = audit_keys()
    # rows after `upto` were written (keyed) after the upgrade, chained on the legacy rows
    if upto < AuditEntry.objects.count():
        _reseal_from(upto + 1, key=keys.current(), key_id=keys.current_id)


def test_rekey_reseals_legacy_rows_once_and_is_audited(orgs: Any) -> None:
    _write(4)
    _as_legacy(3)
    ok, text = _verify()
    assert not ok and "3 row(s) not sealed with a key" in text and "audit rekey" in text
    out = io.StringIO()
    call_command("audit", "rekey", stdout=out)
    assert "3 row(s)" in out.getvalue()
    ok, text = _verify()
    assert ok and "5 record(s)" in text
    entry = AuditEntry.objects.get(action="audit.rekey")
    assert isinstance(entry.before, dict) and entry.before["unkeyed_rows"] == 3
    assert isinstance(entry.after, dict) and entry.after["rows"] == 4
    with pytest.raises(CommandError, match="nothing to re-seal"):
        call_command("audit", "rekey", stdout=io.StringIO())


def test_rekey_refuses_to_launder_an_edit(orgs: Any) -> None:
    _write(3)
    _as_legacy(3)
    AuditEntry.objects.filter(seq=2).update(actor_repr="mallory")  # edited, not recomputed
    with pytest.raises(RekeyRefused, match="#2"):
        audit_rekey(actor="test")
    assert AuditEntry.objects.filter(key_id="").count() == 3


def test_rekey_refuses_unkeyed_rows_after_keyed_ones(orgs: Any) -> None:
    _write(4)
    AuditEntry.objects.filter(seq=4).update(object_repr="forged")
    _reseal_from(4, key=None, key_id="")
    with pytest.raises(RekeyRefused, match="after keyed"):
        audit_rekey(actor="test")


def test_verify_all_includes_registered_ledger_checks(orgs: Any, settings: Any) -> None:
    settings.AUDIT_LEDGER_CHECKS = ["ipcity.core.tests.test_audit_keyed.always_wrong"]
    problems = verify_all()
    assert [str(p) for p in problems] == ["ledger: figures disagree"]


def always_wrong() -> list[str]:
    return ["figures disagree"]
