"""Is an article English? Offline language identification with lingua, loaded only when needed.

dotterel codes English news only. Coding French or German text would give no events and no
error, so such articles are rejected with the language named ("text is in German").

The check is built to cost almost nothing on English news, which is nearly all the input:
1. Text whose letters are mostly not Latin is not English; lingua names the language.
2. Text whose lowercase words are largely English function words ("the", "of", "said") is
   English; lingua is not consulted (most articles stop here, in microseconds).
3. Otherwise lingua (low-accuracy mode: trigram models, 80 MB, about 0.3 s to load the Latin
   models on first use) judges the lowercase words. Capitalised words are left out: names
   ("Iran met Iraq", "Hamas fires rockets at Ashkelon") say nothing about the language and
   mislead identifiers on headlines. Too few lowercase words to judge, or an unsure verdict,
   and the text is coded: an article is rejected only when lingua is sure it is another language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

# Frequent English words that are rare as words in other Latin-script languages. "in", "a", "was", "is",
# "an", "die", "as", "on", "to", "de" are left out: German, Dutch, Portuguese, French or Polish use them often.
_ENGLISH_WORDS = frozenset(
    "the of and that with for said from has have had by were which their this would will been after who they "
    "its his her he she but not also into than there what when about more other over at or it be we you our "
    "against between during while could should may all out up one two three year years last new us told people "
    "officials government killed around before under since because where how".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
SAMPLE_CHARS = 4000  # enough text to decide; the rest of a long article adds cost, not certainty
FAST_SHARE = 0.15  # English news: 30-45% of lowercase words are in _ENGLISH_WORDS; other languages: < 3%
VETO_SHARE = 0.08  # this share of English words, and lingua's verdict on a short text is not trusted
MIN_LETTERS = 20  # fewer letters in lowercase words than this: too little to judge
SURE = 0.6  # lingua's confidence in another language needed to reject
ENGLISH_DOUBT = 0.2  # lingua's confidence in English above which the text is coded anyway


def _english(word: str) -> bool:
    """An English function word, or a word with an English ending ("declared", "reportedly")."""
    return word in _ENGLISH_WORDS or (len(word) >= 5 and word.endswith(("ed", "ly")) and word.isascii())


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """The outcome of a language check: `language` is None when the text may be coded."""

    language: str | None  # the detected non-English language ("German"), or "unknown" for non-Latin text
    how: str  # which step decided: "script", "english-words", "too-short", "lingua"


@dataclass(slots=True, kw_only=True)
class LanguageCheck:
    """Decides whether texts are English. The lingua detector is built on first need, then kept."""

    _detector: LanguageDetector | None = field(default=None, repr=False)

    def verdict(self, text: str) -> Verdict:
        sample = text[:SAMPLE_CHARS]
        words = _WORD.findall(sample)
        letters = sum(map(len, words))
        if not letters:
            return Verdict(language=None, how="no-letters")
        if sum(len(w) for w in words if w.isascii()) / letters < 0.5:  # mostly words in other scripts
            return Verdict(language=self._name(sample) or "unknown", how="script")
        lower = [w for w in words if w[0].islower()]
        share = sum(_english(w) for w in lower) / len(lower) if lower else 0.0
        if share >= FAST_SHARE:
            return Verdict(language=None, how="english-words")
        if sum(len(w) for w in lower) < MIN_LETTERS:
            return Verdict(language=None, how="too-short")
        values = self._confidences(" ".join(lower))
        if not values:
            return Verdict(language=None, how="lingua")
        top, top_value = values[0]
        english = dict(values).get("English", 0.0)
        if top == "English" or english >= ENGLISH_DOUBT or top_value < SURE or share >= VETO_SHARE:
            return Verdict(language=None, how="lingua")
        return Verdict(language=top, how="lingua")

    def problem(self, text: str) -> str | None:
        """Why the text cannot be coded for its language, or None."""
        found = self.verdict(text)
        if found.language is None:
            return None
        if found.language == "unknown":
            return "text does not look like English (most letters are not Latin); dotterel codes English news only"
        return f"text is in {found.language}, not English; dotterel codes English news only"

    def _name(self, sample: str) -> str | None:
        values = self._confidences(sample)
        if values and values[0][1] >= SURE and values[0][0] != "English":
            return values[0][0]
        return None

    def _confidences(self, text: str) -> list[tuple[str, float]]:
        try:
            found = self._load().compute_language_confidence_values(text)
        except (ValueError, UnicodeError):  # text lingua cannot take (lone surrogates): no verdict
            return []
        return [(c.language.name.title(), float(c.value)) for c in found if c.value > 0]

    def _load(self) -> LanguageDetector:
        if self._detector is None:
            from lingua import LanguageDetectorBuilder

            self._detector = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
        return self._detector
