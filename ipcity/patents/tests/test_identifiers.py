import pytest

from ipcity.core.identifiers import ipc, patent_number


@pytest.mark.parametrize(
    "text",
    [
        "202210635727.1",
        "2022106357271",
        "CN202210635727.1",
        "ZL202210635727.1",
        "ZL 2022 1 0635727.1",
        " cn2022106357271 ",
        "ＺＬ２０２２１０６３５７２７．１",
    ],
)
def test_written_forms_normalise_to_the_canonical_number(text):
    assert patent_number.validate(text) == "202210635727.1"


def test_the_reference_example_and_old_format_are_valid():
    assert patent_number.validate("201710601862.3") == "201710601862.3"
    old = patent_number.make(1998, "1", 12345)
    assert patent_number.is_valid(old) and len(old) == 10
    assert patent_number.parse(old).year == 1998


def test_check_digit_x_is_accepted():
    body = next(
        f"2021100{n:05d}" for n in range(100000) if patent_number.check_digit(f"2021100{n:05d}") == "X"
    )
    assert patent_number.validate(body.lower() + "x") == f"{body}.X"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("202210635727.2", "check"),  # wrong check digit
        ("20221063572.1", "length"),
        ("202240635727.1", "type"),  # type digit 4 does not exist
        ("199910635727.1", "year"),  # 12-digit form before 2003
        ("2022A0635727.1", "characters"),
        ("", "empty"),
        ("CN114911801A", "publication_number"),
    ],
)
def test_invalid_numbers_say_why(text, code):
    with pytest.raises(patent_number.InvalidPatentNumber) as exc:
        patent_number.parse(text)
    assert exc.value.code == code


def test_type_digit_gives_the_patent_type():
    assert patent_number.parse("202210635727.1").patent_type == "invention"
    assert patent_number.parse(patent_number.make(2022, "2", 5)).patent_type == "utility_model"
    assert patent_number.parse(patent_number.make(2022, "3", 5)).patent_type == "design"
    assert patent_number.parse(patent_number.make(2022, "8", 5)).is_pct


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("A01B1/24", "A01B1/24"),
        ("G06F 16/35", "G06F16/35"),
        ("g06f16/35", "G06F16/35"),
        ("G06F 16/35 (2019.01)", "G06F16/35"),
        ("G06F016/35", "G06F16/35"),
        ("G06F0016350000", "G06F16/35"),
        ("H10D", "H10D"),
        ("C07D487/04", "C07D487/04"),
        ("Ｇ０６Ｆ１６／３５", "G06F16/35"),
    ],
)
def test_ipc_forms(text, canonical):
    assert ipc.validate(text) == canonical


@pytest.mark.parametrize(
    "text", ["I01B1/24", "G6F16/35", "G06F16/3", "G06F16", "G06F16/1234567", "G06", "", "G06F0/00"]
)
def test_ipc_invalid(text):
    assert not ipc.is_valid(text)


def test_ipc_ancestors_go_from_symbol_to_class():
    assert ipc.parse("G06F16/35").ancestors() == ["G06F16/35", "G06F16/00", "G06F", "G06"]
    assert ipc.parse("H10D").ancestors() == ["H10D", "H10"]


def test_split_symbols_keeps_spaced_symbols_whole():
    assert ipc.split_symbols("G06F 16/35; H04L9/40，A61K") == ["G06F 16/35", "H04L9/40", "A61K"]
