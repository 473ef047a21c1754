"""Reading articles from files: .txt (one article), .jsonl (one per line), or standard input.

Each item read is an Article or an InputError naming the file and line, so one bad line never
stops the others.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from dotterel.errors import InputError
from dotterel.pipeline import published_date
from dotterel.records import Article

MAX_FILE_BYTES = 50_000_000


def read_articles(
    paths: list[str], published: dt.date | None = None, stdin: TextIO | None = None
) -> Iterator[Article | InputError]:
    for path in paths:
        if path == "-":
            yield from _read_stdin(stdin or sys.stdin, published)
        elif path.endswith(".jsonl"):
            yield from _read_jsonl(Path(path))
        else:
            yield _read_txt(Path(path), published)


def _read_bytes(path: Path) -> bytes | InputError:
    try:
        if path.is_dir():
            return InputError(str(path), "is a directory, not a .txt or .jsonl file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return InputError(str(path), f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        return path.read_bytes()
    except OSError as exc:
        return InputError(str(path), f"cannot be read ({exc.strerror or exc})")


def _decode(raw: bytes, where: str) -> str | InputError:
    if b"\x00" in raw[:65536]:
        return InputError(where, "looks like a binary file, not UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return InputError(where, f"is not UTF-8 text (byte {exc.start})")


def _read_txt(path: Path, published: dt.date | None) -> Article | InputError:
    raw = _read_bytes(path)
    if isinstance(raw, InputError):
        return raw
    text = _decode(raw, str(path))
    if isinstance(text, InputError):
        return text
    if not text.strip():
        return InputError(str(path), "text is empty")
    return Article(id=path.stem, text=text, published=published)


def _read_stdin(stream: TextIO, published: dt.date | None) -> Iterator[Article | InputError]:
    try:
        text = stream.read()
    except UnicodeDecodeError as exc:
        yield InputError("<stdin>", f"is not UTF-8 text (byte {exc.start})")
        return
    if not text.strip():
        yield InputError("<stdin>", "text is empty")
        return
    yield Article(id="stdin", text=text, published=published)


def _read_jsonl(path: Path) -> Iterator[Article | InputError]:
    raw = _read_bytes(path)
    if isinstance(raw, InputError):
        yield raw
        return
    text = _decode(raw, str(path))
    if isinstance(text, InputError):
        yield text
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        yield article_from_json(line, f"{path}:{n}")


def article_from_json(line: str, where: str) -> Article | InputError:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return InputError(where, "line is not a JSON object")
    art_id = obj.get("id")
    if art_id is None or (isinstance(art_id, str) and not art_id.strip()):
        return InputError(where, "missing 'id'")
    if not isinstance(art_id, (str, int)):
        return InputError(where, "'id' must be a string")
    text = obj.get("text")
    if text is None:
        return InputError(where, f"article {art_id!s}: missing 'text'")
    if not isinstance(text, str):
        return InputError(where, f"article {art_id!s}: 'text' must be a string")
    if not text.strip():
        return InputError(where, f"article {art_id!s}: text is empty")
    try:
        published = published_date(obj.get("published"), f"{where}: article {art_id!s}")
    except InputError as exc:
        return exc
    meta = {k: obj.get(k) if isinstance(obj.get(k), str) else None for k in ("title", "url", "source")}
    return Article(id=str(art_id), text=text, published=published, **meta)
