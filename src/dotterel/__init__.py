"""dotterel: political event data from news text, in PLOVER with CAMEO alongside."""

from dotterel.errors import DotterelError, InputError
from dotterel.records import Article, DateRef, Entity, Event, Location, Mention, Modality, TextInfo

__all__ = [
    "Article",
    "DateRef",
    "DotterelError",
    "Entity",
    "Event",
    "InputError",
    "Location",
    "Mention",
    "Modality",
    "TextInfo",
]
__version__ = "0.1.0"
