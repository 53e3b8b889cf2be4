"""The USCC validator (GB 32100-2015), cross-checked against python-stdnum (docs/adr/0003-identifiers-uscc.md)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from ipcity.core.identifiers import uscc

ALPHABET = uscc.ALPHABET


def with_check(first17: str) -> str:
    return first17 + uscc.check_character(first17)


@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)
def test_agrees_with_stdnum_when_first_8_are_digits(head: str, org: str) -> None:
    code = with_check(head + org)
    assert uscc.is_valid(code)
    assert stdnum_uscc.is_valid(code)
    wrong = code[:17] + ALPHABET[(ALPHABET.index(code[17]) + 1) % 31]
    assert not uscc.is_valid(wrong) and not stdnum_uscc.is_valid(wrong)


def test_known_real_format_code() -> None:
    # a published example from GB 32100-2015's test vectors as used by stdnum
    assert uscc.is_valid("91110000600037341L")
    assert stdnum_uscc.is_valid("91110000600037341L")


def test_letter_registration_authority_accepted_unlike_stdnum() -> None:
    code = with_check("Y1370602MA3C00001")  # "Y": registered by another authority
    assert uscc.is_valid(code)
    assert not stdnum_uscc.is_valid(code)


def test_normalise_spaces_hyphens_case() -> None:
    code = with_check("91370602MA3C00001")
    messy = f" {code[:4].lower()} {code[4:10]}-{code[10:].lower()} "
    assert uscc.validate(messy) == code


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("9137060", "length"),
        ("91370602MA3C000011X", "length"),  # 19
        ("91370602MA3C0000IO", "characters"),
        ("913706A2MA3C00001X", "division"),
    ],
)
def test_reasons(value: str, reason: str) -> None:
    with pytest.raises(uscc.InvalidUSCC) as info:
        uscc.validate(value)
    assert info.value.code == reason


def test_division_code() -> None:
    assert uscc.division_code(with_check("91370681MA3C00004")) == "370681"
