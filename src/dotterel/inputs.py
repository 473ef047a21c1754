"""Reading articles from files: .txt (one article), .jsonl (one per line), .jsonl.gz (the same,
gzip-compressed), a directory of such files, or standard input.

Each item read is an Article or an InputError naming the file and line, so one bad line never
stops the others.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from dotterel.errors import InputError
from dotterel.pipeline import published_date
from dotterel.records import Article

MAX_FILE_BYTES = 50_000_000
INPUT_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")


def read_articles(
    paths: list[str], published: dt.date | None = None, stdin: TextIO | None = None
) -> Iterator[Article | InputError]:
    for path in paths:
        if path == "-":
            yield from _read_stdin(stdin or sys.stdin, published)
        elif Path(path).is_dir():
            yield from _read_dir(Path(path), published)
        else:
            yield from _read_file(Path(path), published)


def input_files(directory: Path) -> list[Path]:
    """The article files (.txt, .jsonl, .jsonl.gz) under a directory, recursively, in name order.

    Hidden files and folders (names starting with '.') are left out.
    """
    found = []
    for path in directory.rglob("*"):
        rel = path.relative_to(directory)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and path.name.endswith(INPUT_SUFFIXES):
            found.append(path)
    return sorted(found)


def _read_file(path: Path, published: dt.date | None) -> Iterator[Article | InputError]:
    if path.name.endswith(".jsonl.gz"):
        yield from _read_jsonl_gz(path)
    elif path.name.endswith(".jsonl"):
        yield from _read_jsonl(path)
    else:
        yield _read_txt(path, published)


def _read_dir(directory: Path, published: dt.date | None) -> Iterator[Article | InputError]:
    try:
        files = input_files(directory)
    except OSError as exc:
        yield InputError(str(directory), f"cannot be listed ({exc.strerror or exc})")
        return
    if not files:
        yield InputError(str(directory), "contains no .txt, .jsonl or .jsonl.gz files")
        return
    for path in files:
        yield from _read_file(path, published)


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
    """Stream a JSON Lines file line by line (never read whole: feeds may be many gigabytes)."""
    try:
        if path.is_dir():
            yield InputError(str(path), "is a directory, not a .txt or .jsonl file")
            return
        handle = path.open("rb")
    except OSError as exc:
        yield InputError(str(path), f"cannot be read ({exc.strerror or exc})")
        return
    with handle:
        n = 0
        try:
            if b"\x00" in handle.peek(65536)[:65536]:  # type: ignore[attr-defined]
                yield InputError(str(path), "looks like a binary file, not UTF-8 text")
                return
            for n, raw in enumerate(handle, 1):
                if n == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    yield InputError(f"{path}:{n}", f"is not UTF-8 text (byte {exc.start} of the line)")
                    continue
                if not line.strip():
                    continue
                yield article_from_json(line, f"{path}:{n}")
        except OSError as exc:
            yield InputError(str(path), f"cannot be read after line {n} ({exc.strerror or exc})")


def _read_jsonl_gz(path: Path) -> Iterator[Article | InputError]:
    """Stream a gzip-compressed JSON Lines file; corrupt data stops that file with an error naming the line."""
    n = 0
    try:
        with gzip.open(path, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig") as lines:
            for n, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                yield article_from_json(line, f"{path}:{n}")
    except gzip.BadGzipFile as exc:
        if n:
            yield InputError(str(path), f"gzip data is corrupt after line {n} ({exc})")
        else:
            yield InputError(str(path), f"is not a valid gzip file ({exc})")
    except (EOFError, zlib.error) as exc:
        where = f"after line {n}" if n else "at the start"
        yield InputError(str(path), f"gzip data is corrupt or truncated {where} ({exc})")
    except UnicodeDecodeError as exc:
        yield InputError(str(path), f"is not UTF-8 text after line {n} ({exc.reason})")
    except OSError as exc:
        yield InputError(str(path), f"cannot be read ({exc.strerror or exc})")


def article_from_json(line: str, where: str) -> Article | InputError:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
    return article_from_record(obj, where)


def article_from_record(obj: object, where: str) -> Article | InputError:
    """An Article from one input record (a JSON object, a Parquet row), or what is wrong with it."""
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
