"""Invisible format characters (zero-width spaces, direction marks) do not hide events."""

import datetime as dt
import unicodedata

import pytest

from dotterel.invisible import mask_invisible
from dotterel.records import Article

INVISIBLE = ["\u200b", "\u200e", "\u200f", "\u202a", "\u202e", "\u2060", "\u2066", "\u2069", "\ufeff"]


@pytest.mark.parametrize("mark", INVISIBLE)
def test_an_invisible_character_after_the_verb_does_not_lose_the_event(coder, mark):
    text = f"Iran accused{mark} Iraq of spying."
    [event] = coder.code(Article(id="z", text=text, published=dt.date(2025, 1, 10)))
    assert (event.event, event.actor[0][1].code, event.recipient[0][1].code) == ("ACCUSE", "IRN", "IRQ")
    assert text[event.text_info.start : event.text_info.end] == event.event_text


def test_the_mask_keeps_the_length_and_touches_only_format_characters():
    text = "Iran\u200b accused\u2066 Iraq\ufeff — «cafés» 🇮🇷 \u00a0."
    masked = mask_invisible(text)
    assert len(masked) == len(text)
    for before, after in zip(text, masked, strict=True):
        assert after == before or (after == " " and unicodedata.category(before) == "Cf")
    assert "\u200b" not in masked and "é" in masked and "🇮🇷" in masked
