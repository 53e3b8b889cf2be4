"""Chinese-aware tokenisation for the matcher (no Django, no I/O except jieba's dictionary, loaded once).

A text becomes two bags of terms:

- **words**: jieba terms of every CJK run (``cut_for_search``: a long word and its sub-words), with
  Yantai's industry vocabulary added as a user dictionary (``userdict.txt``), plus Latin/digit words
  (``316l``, ``5g``, ``co2``);
- **grams**: CJK character unigrams and bigrams (robust where jieba cuts a paraphrase differently), plus
  the same Latin/digit words.

Normalisation first: NFKC (full-width letters, digits and punctuation become half-width), case folding.
Stop words (function words and the generic words of patent claims and of enterprise requests) are
dropped from words; stop characters from unigrams. Traditional characters are not converted (see ADR 0600).
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Bump when tokenisation changes: an index built with another version must be rebuilt.
TOKENIZER_VERSION = 1

USER_DICT = Path(__file__).with_name("userdict.txt")

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"([{_CJK}]+)|([0-9a-z]+(?:[.\-][0-9a-z]+)*)")

# Generic words: patent claim language and the way enterprises phrase a request. They say nothing about
# the technology, so they must not make two texts look alike.
STOP_WORDS = frozenset(
    """
    一种 一个 一些 及其 以及 所述 其中 包括 包含 具有 用于 采用 利用 通过 进行 得到 制得 获得 实现 提供 涉及
    方法 装置 系统 设备 工艺 技术 结构 组件 应用 用途 制备 制备方法 本发明 发明 实用新型 本实用新型 步骤
    能够 可以 可 以 使 使得 从而 由于 因此 并且 并 且 或 或者 与 和 及 的 了 在 是 为 对 将 把 被 等 中 上 下
    我们 我 你们 你 他们 公司 企业 厂 工厂 厂里 单位 想 想要 需要 希望 要 能 能不能 有没有 有 没有 找 寻找 求
    怎么 怎样 如何 什么 哪些 问题 现在 目前 一直 总是 经常 比较 很 太 更 最 非常 特别 还 也 都 就 又 再 已经
    这 那 这个 那个 这些 那些 这样 那样 之 其 该 所 而 但 但是 如果 这种 那种 做 搞 用 让 给 来 去 出 会 能够
    直接 一半 左右 里面 一款 好几 老是 附近 以后 以前 每次 每天 一下 一遍 一点 一样 东西 办法 方案 之类
    主要 相关 方面 效果 效率 较 高 低 好 差 大 小 多 少 新 新型 问题 解决 提高 降低 改善 提升 减少 增加
    """.split()
)
STOP_CHARS = frozenset(
    "的了和与及其或是在为对把被将以之而等于中上下一个种这那我你他她它们要想能会可有无没请所该并且使用做找"
)

# A bigram with one of these characters spans a function word ("的肠", "我们"): noise, not a term.
BIGRAM_STOP_CHARS = frozenset("的了和与及或是把被将之而我你他她它们想要请该吗呢吧啊")

_lock = threading.Lock()
_jieba: Any = None


def _tokenizer() -> Any:
    """jieba's tokenizer with our user dictionary, built once per process, quietly."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                tok.load_userdict(str(USER_DICT))
                _jieba = tok
    return _jieba


def normalise(text: str) -> str:
    """Full-width → half-width (NFKC), case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class Tokens:
    words: tuple[str, ...]
    grams: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.words or self.grams)


def tokenize(text: str, *, words: bool = True, unigrams: bool = True, bigrams: bool = True) -> Tokens:
    """Split a text into jieba/Latin words and CJK n-grams (with repetitions, in order)."""
    out_words: list[str] = []
    out_grams: list[str] = []
    for cjk, latin in _RUNS.findall(normalise(text)):
        if latin:
            out_words.append(latin)
            out_grams.append(latin)
            continue
        if words:
            for w in _tokenizer().cut_for_search(cjk, HMM=False):
                if w not in STOP_WORDS and not (len(w) == 1 and w in STOP_CHARS):
                    out_words.append(w)
        if unigrams:
            out_grams.extend(c for c in cjk if c not in STOP_CHARS)
        if bigrams:
            out_grams.extend(
                cjk[i : i + 2]
                for i in range(len(cjk) - 1)
                if cjk[i] not in BIGRAM_STOP_CHARS and cjk[i + 1] not in BIGRAM_STOP_CHARS
            )
    return Tokens(tuple(out_words), tuple(out_grams))


def words(text: str) -> list[str]:
    """jieba/Latin words only (the jieba-only baseline and the explanations)."""
    return list(tokenize(text, unigrams=False, bigrams=False).words)
