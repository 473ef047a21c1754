"""Hypothesis strategies for hostile input: shared by the property tests and bench/fuzz.py.

`scale` sets how big texts get: the tests keep it small (fast), the fuzz run raises it.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

NAMES = ["Iran", "Iraq", "Syria", "Turkey", "Israel", "Hamas", "Russia", "Ukraine", "the United Nations", "NATO"]
VERBS = ["accused", "met", "attacked", "criticized", "threatened", "praised", "sanctioned", "arrested"]
SCRIPTS = [
    "Президент России",  # Cyrillic
    "انتقدت إيران العراق",  # Arabic
    "伊朗批评伊拉克",  # Chinese
    "イランはイラクを批判した",  # Japanese
    "ईरान ने इराक की आलोचना की",  # Devanagari
    "Η Ελλάδα επέκρινε",  # Greek
    "איראן מתחה ביקורת",  # Hebrew
    "🇮🇷🇮🇶💥🕵️‍♂️",  # emoji with joiners
    "e\u0301\u0308\u0327",  # combining marks
    "\u200b\u200e\u202e\u2066\ufeff",  # invisible format characters
]
CONTROL = [chr(c) for c in (*range(0, 32), 127, *range(0x80, 0xA0))]
SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\u00a0", "\u2028", "\u2029", "\u3000", "\u200b", "\x85"]

# any code point but lone surrogates (no UTF-8 file can hold those; the readers reject them)
any_char = st.characters(exclude_categories=("Cs",))


def sentence() -> st.SearchStrategy[str]:
    """A plausible news sentence: a name, a verb, another name, sometimes a date."""
    return st.builds(
        lambda a, v, b, tail: f"{a} {v} {b}{tail}.",
        st.sampled_from(NAMES),
        st.sampled_from(VERBS),
        st.sampled_from(NAMES),
        st.sampled_from(["", " on Monday", " in 2015", " in March", " last week", " on 8 January 2025"]),
    )


def texts(scale: int = 1) -> st.SearchStrategy[str]:
    """Texts an article may hold, from news-like to hostile. Sizes grow with `scale`."""
    small = 60 * scale
    news = st.lists(sentence(), min_size=1, max_size=4 * scale).map(" ".join)
    return st.one_of(
        st.text(any_char, max_size=small),  # random Unicode
        st.text(st.sampled_from(CONTROL + SPACES + list("Iran accused Iraq.")), max_size=small),  # control chars
        st.text(st.sampled_from(SPACES), min_size=1, max_size=small),  # white space only
        st.builds(  # a very long token inside news
            lambda s, n, c: f"{s} {c * n} {s}", sentence(), st.integers(1, 400 * scale), st.sampled_from("x-_/é")
        ),
        st.builds(  # a very long sentence: one coordination with no full stop
            lambda names, v: f"{names[0]} {v} " + " and ".join(f"{n} officials" for n in names) + " on Monday",
            st.lists(st.sampled_from(NAMES), min_size=1, max_size=20 * scale),
            st.sampled_from(VERBS),
        ),
        st.lists(st.one_of(sentence(), st.sampled_from(SCRIPTS)), min_size=1, max_size=6 * scale).map(
            " ".join
        ),  # mixed scripts
        st.builds(  # news with random characters spliced in
            lambda s, junk, at: s[:at] + junk + s[at:], news, st.text(any_char, max_size=20), st.integers(0, 200)
        ),
        news,
    )


def many_entities(scale: int = 1) -> st.SearchStrategy[str]:
    """Thousands of actor mentions across many sentences (scale 1: hundreds)."""
    return st.builds(
        lambda n, k: " ".join(
            f"{NAMES[i % len(NAMES)]} {VERBS[i % len(VERBS)]} {NAMES[(i + k) % len(NAMES)]}." for i in range(n)
        ),
        st.integers(100 * scale, 400 * scale),
        st.integers(1, len(NAMES) - 1),
    )


def json_values() -> st.SearchStrategy[object]:
    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(any_char, max_size=40),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=10,
    )


def jsonl_lines(scale: int = 1) -> st.SearchStrategy[bytes]:
    """A .jsonl file's bytes: article lines (good, damaged or odd) mixed with garbage lines."""
    article = st.fixed_dictionaries(
        {"id": st.one_of(st.text(any_char, max_size=12), st.integers(), st.none(), json_values())},
        optional={
            "text": st.one_of(texts(scale), json_values()),
            "published": st.one_of(
                st.none(), st.sampled_from(["2025-01-10", "2025-13-01", "10/01/2025", "", "2025"]), json_values()
            ),
            "title": json_values(),
            "source": st.text(any_char, max_size=20),
        },
    )
    valid = st.fixed_dictionaries(
        {
            "id": st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=12),
            "text": texts(scale),
            "published": st.sampled_from([None, "2025-01-10", "2019-02-22"]),
        }
    )

    def encode(obj: object) -> bytes:
        return json.dumps(obj, ensure_ascii=False).encode("utf-8")

    line = st.one_of(
        valid.map(encode),
        valid.map(encode),
        article.map(encode),  # odd fields
        article.map(encode).map(lambda b: b[: len(b) // 2]),  # cut short
        st.binary(max_size=80 * scale),  # random bytes
        st.just(b'{"id": "s", "text": "Iran \\ud800 met Iraq."}'),  # an unpaired surrogate escape
        st.just(b"[" * 5000),  # nested deep
    )
    return st.lists(line, max_size=8 * scale).map(lambda lines: b"\n".join(lines))
