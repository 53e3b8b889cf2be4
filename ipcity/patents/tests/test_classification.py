"""The real CNIPA concordance loaded by `load_sei`: exact vs hierarchical matching, H01L/H10, intensive."""

import pytest

from ipcity.patents.classification import load_concordance, patent_intensive_of, sei_codes
from ipcity.patents.models import SeiIpc, SeiRule


@pytest.fixture
def concordance(sei_snapshot, db):
    # `load_sei` runs once per session (conftest.sei_snapshot); its rows are re-inserted for each test.
    assert "loaded 321 SEI rules" in sei_snapshot.apply()
    return load_concordance()


def codes(conc, symbol, hierarchical=True):
    return sei_codes(conc.match(symbol, hierarchical=hierarchical))


def test_load_counts_and_supplement(concordance):
    assert SeiRule.objects.count() == 321
    assert SeiIpc.objects.filter(source="cnipa-2021").count() == 34_598
    assert set(SeiIpc.objects.filter(source="supplement").values_list("ipc_code", flat=True)) >= {
        "H01L",
        "H10D",
        "H10K",
    }


def test_exact_code_matches_in_both_modes(concordance):
    assert codes(concordance, "A01B1/02") == codes(concordance, "A01B1/02", hierarchical=False) != []


def test_symbol_missing_from_the_table_matches_its_group_or_subclass_only_when_hierarchical(concordance):
    # A01B has a subclass row; an unlisted subgroup under it matches through the subclass.
    assert "A01B1/99" not in concordance.codes
    assert codes(concordance, "A01B1/99") == codes(concordance, "A01B")
    assert codes(concordance, "A01B1/99", hierarchical=False) == []


def test_no_row_no_match(concordance):
    assert codes(concordance, "B65D5/02") == []  # packaging: no SEI row at any level


def test_h01l_and_h10_map_to_the_electronic_core_industry(concordance):
    assert codes(concordance, "H01L21/56") == ["1.2"]
    assert codes(concordance, "H01L21/56", hierarchical=False) == ["1.2"]  # the supplement covers its groups
    assert codes(concordance, "H10D30/60") == ["1.2"]
    assert codes(concordance, "H10K50/11") == ["1.2"]


def test_class_rows(concordance):
    assert codes(concordance, "G16H10/60") != []  # via the G16 class row (rule 17) if no closer row


def test_patent_intensive_category():
    assert patent_intensive_of(["6.1", "4.2"]) == "pharma_medical"
    assert patent_intensive_of(["8.1"]) == ""
