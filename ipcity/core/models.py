"""Base models and the append-only, hash-chained audit trail (STYLE rule 4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One write, as a link of a keyed hash chain: editing or deleting any row breaks the chain.

    `hash` = HMAC-SHA256(key[key_id], prev_hash + canonical JSON of this row's content, key_id included);
    the key is not in the database (docs/adr/0009). `audit verify` recomputes it. Rows with an empty
    `key_id` were sealed with plain SHA-256 before the keyed chain and are re-sealed once by `audit rekey`.
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_repr = models.CharField(_("actor"), max_length=200)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=100, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(_("key id"), max_length=32, blank=True, default="")

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's head: one row, locked while a record is appended, so that appends are serialised
    and a deleted last row is still detected (the head remembers the highest sequence number)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class AuditDigest(models.Model):
    """The chain's head at the end of one day (Asia/Shanghai), signed, and also published as a file
    outside the database (`AUDIT_DIGEST_DIR/YYYY-MM-DD.json`) and at /audit/digests.json: a rewrite of
    the chain, even by someone holding the key, no longer matches what was published."""

    day = models.DateField(_("day"), unique=True)
    seq = models.PositiveBigIntegerField(_("last sequence number"))
    hash = models.CharField(_("head hash"), max_length=64)
    count = models.PositiveBigIntegerField(_("records"))
    key_id = models.CharField(_("key id"), max_length=32)
    algorithm = models.CharField(max_length=20, default="HMAC-SHA256")
    signature = models.CharField(max_length=128)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["-day"]
        verbose_name = _("audit digest")
        verbose_name_plural = _("audit digests")

    def __str__(self) -> str:
        return f"{self.day}: #{self.seq}"
