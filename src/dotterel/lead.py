"""Which events are in an article's lead: GDELT's IsRootEvent, kept in the store as `is_root`.

GDELT marks events of the lead paragraph as root events, a rough sign of importance (events
told first tend to matter most). dotterel's lead:
- the first paragraph, when the text has paragraphs: paragraphs are separated by blank lines,
  or, in a text without blank lines, by line breaks;
- the first sentence, when the text is one block without line breaks: without paragraphs, the
  whole text would otherwise be "the lead" and every event a root event.
"""

from __future__ import annotations

import re

from dotterel.records import TextInfo

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def first_paragraph_end(text: str) -> int | None:
    """Character offset where the first paragraph ends, or None when the text has no paragraph break."""
    start = len(text) - len(text.lstrip())
    body = text.rstrip()
    found = _BLANK_LINE.search(body, start)
    if found is None:
        newline = body.find("\n", start)
        return None if newline < 0 else newline
    return found.start()


def in_lead(text: str, info: TextInfo) -> bool:
    """True when the evidence (text_info) of an event lies in the article's lead (see the module docstring)."""
    end = first_paragraph_end(text)
    if end is None:  # one block: the first sentence (a sentence of white space only may come before it)
        return info.sentence == 0 or not text[: info.start].strip()
    return info.start < end
