"""The demo part of the patent registry: reproducible, idempotent, marked, and yields KPI figures."""

import datetime as dt
import io

import pytest

from ipcity.core.identifiers import patent_number
from ipcity.demo import patents as demo
from ipcity.patents import kpi, synth
from ipcity.patents.models import InnovationProject, Patent, Population


def test_generator_is_seeded_and_numbers_are_valid():
    first = list(synth.generate(300, seed=5))
    assert first == list(synth.generate(300, seed=5))
    assert first != list(synth.generate(300, seed=6))
    numbers = [r["application_number"] for r in first]
    assert len(set(numbers)) == 300 and all(patent_number.is_valid(n) for n in numbers)
    assert {r["type"] for r in first} == {"invention", "utility_model", "design"}


@pytest.mark.django_db
def test_demo_loads_once_and_kpis_show_figures(plan):
    out = io.StringIO()
    demo.load(stdout=out, options={"patents": 400})
    assert "imported 400" in out.getvalue()
    demo.load(stdout=out, options={"patents": 400})
    assert "unchanged 400" in out.getvalue()
    assert Patent.objects.filter(is_demo=True).count() == 400
    assert all("演示" in t for t in Patent.objects.values_list("title", flat=True)[:20])
    assert Population.objects.filter(is_demo=True, district__isnull=True).exists()
    fast = InnovationProject.objects.get(platform="中科环渤海（烟台）药物高等研究院")
    assert fast.is_fast_track and fast.is_demo
    city = kpi.kpi_at(dt.date(2024, 12, 31))
    assert city.valid > 0 and city.high_value > 0 and city.high_value_per_10k is not None


@pytest.mark.django_db
def test_no_patents_when_asked_for_none(plan):
    out = io.StringIO()
    demo.load(stdout=out, options={"patents": 0})
    assert "no synthetic patents" in out.getvalue()
    assert not Patent.objects.exists()
    # The rest of the part still loads: population figures and the projects (with no patents linked).
    assert Population.objects.filter(is_demo=True, district__isnull=True).exists()
    assert InnovationProject.objects.filter(is_demo=True).count() == len(demo.PROJECTS)
