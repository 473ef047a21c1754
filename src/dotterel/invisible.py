"""Invisible format characters (Unicode category Cf) masked before parsing.

Web news carries zero-width spaces, direction marks and word joiners (U+200B, U+200E, U+2066, U+FEFF).
spaCy takes them for parts of words: "accused\\u200b" is no longer the verb "accused", and the event is
lost without a word. They are replaced one for one by spaces, so character offsets into the article
stay exact, as with the dateline mask.
"""

from __future__ import annotations

import re

# The Cf characters of Unicode 14 (Python 3.11's unicodedata)
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def mask_invisible(text: str) -> str:
    """The text with each invisible format character replaced by a space (same length)."""
    if _FORMAT.search(text) is None:
        return text
    return _FORMAT.sub(" ", text)
