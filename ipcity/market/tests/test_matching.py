"""The Chinese matcher: tokenisation, index updates, persistence, explanations, filters, quality floor."""

from __future__ import annotations

import json

import pytest

from ipcity.market.matching import (
    Document,
    EmptyQueryError,
    IndexVersionError,
    MatchIndex,
    Weights,
    ipc_levels,
    match,
    match_document,
    normalise,
    tokenize,
)
from ipcity.market.matching.evaluate import build_index, evaluate, load_demands, load_listings, matcher_rank

SEA_CUCUMBER = Document(
    id="L1",
    title="一种海参肠卵酶解制备海参肽的方法",
    body="以海参加工副产物肠、卵为原料，经复合蛋白酶酶解、超滤和喷雾干燥，得到海参肽粉。",
    ipc=("A23L 17/40",),
    district="芝罘区",
    cluster="海洋生物食品",
)
WINE = Document(
    id="L2",
    title="一种葡萄酒冷冻稳定处理方法",
    body="将葡萄酒降温至接近冰点并加入酒石酸氢钾晶种，促使酒石结晶析出后过滤。",
    ipc=("C12H 1/16",),
    district="蓬莱区",
    cluster="葡萄酒",
)
GOLD = Document(
    id="L3",
    title="一种金矿无氰浸出剂及其浸金方法",
    body="以硫代硫酸盐、铜氨络合物和稳定剂组成无氰浸出剂，替代氰化物浸出金。",
    ipc=("C22B 3/04",),
    district="招远市",
    cluster="黄金冶炼",
)


@pytest.fixture
def index() -> MatchIndex:
    ix = MatchIndex()
    ix.upsert([SEA_CUCUMBER, WINE, GOLD])
    return ix


def ids(matches):
    return [m.doc_id for m in matches]


# -- tokenisation ----------------------------------------------------------------------------------
def test_full_width_letters_and_digits_become_half_width_lower_case():
    assert normalise("ＭＤＩ１２３　改性") == "mdi123 改性"
    assert tokenize("ＣＯ２捕集").words == tokenize("CO2捕集").words
    assert "co2" in tokenize("ＣＯ２捕集").words


def test_mixed_latin_digits_and_chinese_are_split_into_their_words():
    t = tokenize("316L不锈钢和5G天线")
    assert "316l" in t.words and "5g" in t.words
    assert "不锈钢" in t.words and "天线" in t.words
    assert "316l" in t.grams  # Latin words count for the n-gram side too


def test_domain_dictionary_keeps_industry_terms_whole():
    assert "海洋生物" in tokenize("海洋生物活性物质").words
    assert "黄金冶炼" in tokenize("黄金冶炼废水").words
    assert "葡萄酒" in tokenize("干红葡萄酒").words
    assert "核电" in tokenize("核电站主泵").words


def test_stop_words_and_stop_characters_are_dropped():
    t = tokenize("一种海参的加工方法")
    assert "一种" not in t.words and "方法" not in t.words and "的" not in t.words
    assert "的" not in t.grams and "海参" in t.grams and "参" in t.grams
    assert not any("的" in g for g in t.grams)


def test_cjk_grams_are_unigrams_and_bigrams():
    t = tokenize("鱼油", words=False)
    assert set(t.grams) == {"鱼", "油", "鱼油"}
    assert tokenize("鱼油", unigrams=False, words=False).grams == ("鱼油",)


def test_ipc_levels():
    assert ipc_levels("A23L 17/40") == ["A23L", "A23L17", "A23L17/40"]
    assert ipc_levels("c12g") == ["C12G"]
    assert ipc_levels("not an ipc") == []


# -- index updates ---------------------------------------------------------------------------------
def test_added_document_is_found_and_others_are_not(index):
    assert ids(match(index, "海参肠子卵做营养品"))[0] == "L1"
    assert len(index) == 3


def test_update_replaces_the_text_without_duplicating(index):
    index.upsert([Document(id="L2", title="一种苹果气调冷藏保鲜方法", body="苹果在气调库中贮藏八个月。")])
    assert len(index) == 3
    assert "L2" not in ids(match(index, "葡萄酒酒石结晶"))
    assert ids(match(index, "苹果冷藏保鲜"))[0] == "L2"


def test_remove_drops_the_document(index):
    index.remove(["L1"])
    assert len(index) == 2
    assert "L1" not in ids(match(index, "海参肽"))


def test_persistence_round_trip(tmp_path):
    path = tmp_path / "listings"
    ix = MatchIndex(path)
    ix.upsert([SEA_CUCUMBER, WINE, GOLD])
    ix.remove(["L3"])
    before = [(m.doc_id, m.score) for m in match(ix, "海参加工副产物")]
    ix.close()
    del ix
    reopened = MatchIndex(path)
    assert len(reopened) == 2
    assert [(m.doc_id, m.score) for m in match(reopened, "海参加工副产物")] == before


def test_reader_sees_the_writers_commit_after_refresh(tmp_path):
    path = tmp_path / "listings"
    writer = MatchIndex(path)
    writer.upsert([SEA_CUCUMBER])
    reader = MatchIndex(path)
    writer.upsert([WINE])
    reader.refresh()
    assert ids(match(reader, "葡萄酒酒石")) == ["L2"]


def test_reader_with_refresh_every_sees_commits_without_being_told(tmp_path):
    path = tmp_path / "listings"
    writer = MatchIndex(path)
    writer.upsert([SEA_CUCUMBER])
    reader = MatchIndex(path, refresh_every=0)
    stale = MatchIndex(path)
    writer.upsert([WINE])
    assert ids(match(reader, "葡萄酒酒石")) == ["L2"]
    assert match(stale, "葡萄酒酒石") == []


def test_index_built_by_another_tokeniser_version_is_refused(tmp_path):
    path = tmp_path / "listings"
    MatchIndex(path).close()
    meta = path / "ipcity-matching.json"
    meta.write_text(json.dumps({"schema": 1, "tokenizer": -1}))
    with pytest.raises(IndexVersionError):
        MatchIndex(path)


def test_rebuild_replaces_the_directory(tmp_path):
    path = tmp_path / "listings"
    old = MatchIndex(path)
    old.upsert([GOLD])
    old.close()
    del old
    rebuilt = MatchIndex.rebuild(path, [SEA_CUCUMBER, WINE])
    assert len(rebuilt) == 2
    found = ids(match(rebuilt, "海参 葡萄酒 无氰浸金"))
    assert "L3" not in found and set(found) == {"L1", "L2"}


def test_document_without_id_is_refused(index):
    with pytest.raises(ValueError):
        index.upsert([Document(id="", title="海参")])


# -- explanations, filters, boosts -----------------------------------------------------------------
def test_every_match_explains_shared_terms_in_chinese_and_english(index):
    top = match(index, "海参加工的副产物怎么利用")[0]
    ex = top.explanation
    assert top.doc_id == "L1"
    assert "海参" in ex["shared_terms"]
    assert "海参" in ex["zh"] and "共同词语" in ex["zh"]
    assert "shared terms" in ex["en"]
    assert ex["boosts"] == [] and ex["boost_factor"] == 1.0


def test_expansion_terms_are_reported_as_such(index):
    ex = match(index, "提金不想用剧毒的东西")[0].explanation
    assert "氰化物" in ex["expanded_terms"]
    assert "近义扩展" in ex["zh"]


def test_ipc_overlap_boosts_and_is_explained():
    a = Document(id="A", title="海参干燥工艺", ipc=("F26B 5/06",))
    b = Document(id="B", title="海参干燥工艺", ipc=("A23L 17/40",))
    ix = MatchIndex()
    ix.upsert([a, b])
    plain = match(ix, "海参干燥")
    assert plain[0].score == plain[1].score
    boosted = match(ix, "海参干燥", ipc="A23L17/50")
    assert ids(boosted)[0] == "B"
    ex = boosted[0].explanation
    assert ex["ipc_overlap"] == ["A23L17"]
    assert ex["boosts"][0]["kind"] == "ipc_group" and ex["boosts"][0]["factor"] == 1.3
    assert "IPC大组相同" in ex["zh"] and "same IPC main group" in ex["en"]
    assert boosted[0].score == pytest.approx(boosted[1].score * 1.3, rel=1e-3)
    # subclass only: the smaller boost
    sub = match(ix, "海参干燥", ipc="A23L 33/00")[0]
    assert sub.doc_id == "B" and sub.explanation["boosts"][0]["kind"] == "ipc_subclass"
    # weights are parameters: no IPC weight, no boost
    off = match(ix, "海参干燥", ipc="A23L17/50", weights=Weights(ipc_group=0, ipc_subclass=0))
    assert off[0].score == off[1].score and off[0].explanation["boosts"] == []


def test_district_and_cluster_boosts():
    a = Document(id="A", title="苹果保鲜", district="栖霞市", cluster="苹果产业")
    b = Document(id="B", title="苹果保鲜", district="莱阳市", cluster="苹果产业")
    ix = MatchIndex()
    ix.upsert([a, b])
    top = match(ix, "苹果保鲜", district="莱阳市", cluster="苹果产业")
    assert ids(top)[0] == "B"
    kinds = [b["kind"] for b in top[0].explanation["boosts"]]
    assert kinds == ["district", "cluster"]
    assert [b["kind"] for b in top[1].explanation["boosts"]] == ["cluster"]


def test_filters_restrict_results(index):
    assert ids(match(index, "加工 方法 海参 葡萄酒 金", filters={"district": "蓬莱区"})) == ["L2"]
    assert ids(match(index, "海参 葡萄酒 金", filters={"ipc": "C22B"})) == ["L3"]
    assert ids(match(index, "海参 葡萄酒 金", filters={"ipc": "A23L17/40"})) == ["L1"]
    assert match(index, "海参", filters={"district": "莱州市"}) == []
    assert set(ids(match(index, "海参 葡萄酒", filters={"cluster": ["葡萄酒", "海洋生物食品"]}))) == {
        "L1",
        "L2",
    }


def test_unknown_filter_is_refused(index):
    with pytest.raises(ValueError):
        match(index, "海参", filters={"colour": "red"})


def test_malformed_ipc_filter_is_refused_but_a_malformed_boost_is_ignored(index):
    with pytest.raises(ValueError, match="IPC"):
        match(index, "海参", filters={"ipc": "17/40 A23L"})
    assert ids(match(index, "海参", ipc="not a code"))[0] == "L1"


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "，。！？", "的了"])
def test_empty_query_is_a_clear_error(index, text):
    with pytest.raises(EmptyQueryError) as exc:
        match(index, text)
    assert "不能为空" in str(exc.value) and "not empty" in str(exc.value)


def test_limit_and_exclude(index):
    assert len(match(index, "海参 葡萄酒 金", limit=2)) == 2
    assert "L1" not in ids(match(index, "海参", exclude=["L1"]))
    with pytest.raises(ValueError):
        match(index, "海参", limit=0)


def test_reverse_matching_listing_to_demands():
    demands = MatchIndex()
    demands.upsert(
        [
            Document(id="D1", title="海参加工下脚料利用", body="煮海参剩下的肠子和卵想做成保健品"),
            Document(id="D2", title="红酒冬天有沉淀", body="瓶底出现亮晶晶的小颗粒"),
        ]
    )
    assert ids(match_document(demands, SEA_CUCUMBER))[0] == "D1"
    assert ids(match_document(demands, WINE))[0] == "D2"


# -- quality floor on the labelled set (fails if tokenisation or weights break) --------------------
@pytest.fixture(scope="module")
def eval_index() -> MatchIndex:
    return build_index()


def test_evaluation_set_shape():
    listings, demands = load_listings(), load_demands()
    assert len(listings) >= 300 and len({r["id"] for r in listings}) == len(listings)
    assert len({r["industry"] for r in listings}) == 10
    assert len(demands) >= 50
    known = {r["id"] for r in listings}
    assert all(set(d["relevant"]) <= known for d in demands)
    assert {d["split"] for d in demands} == {"dev", "test"}


def test_quality_floor_hit_at_3(eval_index):
    quality = evaluate(matcher_rank(eval_index), load_demands())
    assert quality.hit3 >= 0.9, quality
    held_out = evaluate(matcher_rank(eval_index), load_demands("test"))
    assert held_out.hit3 >= 0.85, held_out


def test_quality_floor_fails_without_cjk_tokens(eval_index):
    """The floor is meaningful: with only Latin words nothing Chinese matches."""
    broken = Weights(words=False, unigrams=False, bigrams=False, synonyms=False)

    def rank(text):
        try:
            return [m.doc_id for m in match(eval_index, text, weights=broken)]
        except EmptyQueryError:
            return []

    assert evaluate(rank, load_demands()).hit3 < 0.9
