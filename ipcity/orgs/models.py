"""Departments (责任单位), districts (区市/管委) and entities (市场主体/创新主体) with certifications."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.core.identifiers import uscc as uscc_id
from ipcity.core.models import TimeStampedModel

from .choices import CertificationKind, CertificationLevel, DistrictKind, EntityKind


def validate_uscc(value: str) -> None:
    try:
        uscc_id.validate(value)
    except uscc_id.InvalidUSCC as exc:
        messages = {
            "length": _("A unified social credit code has 18 characters."),
            "characters": _(
                "The code contains characters a unified social credit code cannot contain (I, O, Z, S, V or symbols)."
            ),
            "division": _("Characters 3 to 8 must be an administrative division code (digits)."),
            "check": _(
                "The check character (the 18th) is wrong: this is not a valid unified social credit code."
            ),
        }
        raise ValidationError(messages[exc.code], code=f"uscc_{exc.code}") from exc


class Department(models.Model):
    """A responsible unit named in the plan's annex, e.g. 市市场监管局."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=DistrictKind.choices)
    division_code = models.CharField(_("division code"), max_length=6, blank=True, help_text=_("GB/T 2260"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class Entity(TimeStampedModel):
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=EntityKind.choices)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entities",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        indexes = [models.Index(fields=["kind", "district"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.uscc:
            self.uscc = uscc_id.normalise(self.uscc)


class Certification(TimeStampedModel):
    """优势/示范企业 recognition or GB/T 29490 compliance, with its level, year and source document."""

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="certifications", verbose_name=_("entity")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=CertificationKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=CertificationLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=300, help_text=_("document or list that granted it"))

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.UniqueConstraint(fields=["entity", "kind", "level", "year"], name="uniq_certification"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.get_level_display()} {self.get_kind_display()} {self.year}"

    def clean(self) -> None:
        if self.year is not None and not 1990 <= self.year <= 2100:
            raise ValidationError({"year": _("Enter a year between 1990 and 2100.")})
