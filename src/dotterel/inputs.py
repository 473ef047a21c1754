"""Reading articles from files: .txt (one article), .jsonl (one per line), .jsonl.gz (the same,
gzip-compressed), a directory of such files, or standard input.

Each item read is an Article or an InputError naming the file and line, so one bad line never
stops the others: JSON Lines are decoded line by line, and an invalid byte rejects only its line.

Article ids: a .txt file given by name is its file name without extension; a .txt file found in
a folder is its path relative to that folder without extension ("bbc/2018-04-14"), so files of
the same name in different subfolders stay different articles. Two different texts under one id
in one run are an error on the second, naming where the first was read; the same article read
twice is passed on twice (the store counts it once).

Things worth knowing that are not errors (a .txt without a publication date, files of other types
in a folder) go to the optional `warn` callback; the library never prints.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol, TextIO

from dotterel.errors import InputError
from dotterel.pipeline import published_date
from dotterel.records import Article

MAX_FILE_BYTES = 50_000_000  # a .txt file (one article)
MAX_LINE_BYTES = 16_000_000  # one JSON line; a longer line is rejected without being held in memory
INPUT_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 1024  # a NUL byte this early means a binary file, not text with one bad line

Warn = Callable[[str], None]
_Read = tuple[Article | InputError, str]  # an item and where it was read (file, file:line)


class _LineReader(Protocol):
    """A binary stream read line by line: an open file or a gzip file."""

    def readline(self, size: int, /) -> bytes: ...


def read_articles(
    paths: list[str],
    published: dt.date | None = None,
    stdin: TextIO | None = None,
    *,
    warn: Warn | None = None,
) -> Iterator[Article | InputError]:
    """Articles (or InputErrors) from files, folders and '-' (standard input), in order."""
    run = _Run(published=published, warn=warn or _ignore)
    for path in paths:
        if path == "-":
            items = _read_stdin(stdin or sys.stdin, run)
        elif Path(path).is_dir():
            items = _read_dir(Path(path), run)
        else:
            items = _read_file(Path(path), run, Path(path).stem)
        for item, where in items:
            yield run.check_id(item, where)


def input_files(directory: Path) -> list[Path]:
    """The article files (.txt, .jsonl, .jsonl.gz) under a directory, recursively, in name order.

    Hidden files and folders (names starting with '.') are left out.
    """
    return _list_dir(directory)[0]


def _ignore(_message: str) -> None:
    return None


def _list_dir(directory: Path) -> tuple[list[Path], list[Path]]:
    """(article files, other visible files) under a directory, each in name order."""
    found: list[Path] = []
    other: list[Path] = []
    for path in directory.rglob("*"):
        rel = path.relative_to(directory)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        (found if path.name.endswith(INPUT_SUFFIXES) else other).append(path)
    return sorted(found), sorted(other)


@dataclass(slots=True, kw_only=True)
class _Run:
    """What one read_articles call has seen: ids (to catch collisions) and warnings given."""

    published: dt.date | None
    warn: Warn
    seen: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # id -> (text digest, where first read)
    warned_undated: bool = False

    def undated(self, where: str) -> None:
        if self.published is None and not self.warned_undated:
            self.warned_undated = True
            self.warn(
                f"{where}: no publication date (give --published YYYY-MM-DD for .txt files and standard "
                "input): relative dates such as 'on Monday' cannot be resolved, so their events stay undated"
            )

    def check_id(self, item: Article | InputError, where: str) -> Article | InputError:
        if isinstance(item, InputError):
            return item
        digest = hashlib.blake2b(item.text.encode("utf-8"), digest_size=16).digest()
        first = self.seen.setdefault(item.id, (digest, where))
        if first[0] != digest:
            return InputError(
                where, f"article id {item.id!r} is already used by {first[1]} for a different text; not read"
            )
        return item


def _read_file(path: Path, run: _Run, txt_id: str) -> Iterator[_Read]:
    if path.name.endswith(".jsonl.gz"):
        yield from _read_jsonl_gz(path)
    elif path.name.endswith(".jsonl"):
        yield from _read_jsonl(path)
    else:
        yield _read_txt(path, run, txt_id), str(path)


def _read_dir(directory: Path, run: _Run) -> Iterator[_Read]:
    try:
        files, other = _list_dir(directory)
    except OSError as exc:
        yield InputError(str(directory), f"cannot be listed ({exc.strerror or exc})"), str(directory)
        return
    if other:
        shown = ", ".join(p.relative_to(directory).as_posix() for p in other[:5]) + (
            ", …" if len(other) > 5 else ""
        )
        several = len(other) > 1
        run.warn(
            f"{directory}: skipped {len(other)} file{'s' if several else ''} that "
            f"{'are' if several else 'is'} not .txt, .jsonl or .jsonl.gz ({shown})"
        )
    if not files:
        yield InputError(str(directory), "contains no .txt, .jsonl or .jsonl.gz files"), str(directory)
        return
    for path in files:
        rel = path.relative_to(directory).as_posix()
        yield from _read_file(path, run, rel.removesuffix(".txt"))


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


def _binary(head: bytes, where: str) -> InputError | None:
    if head.startswith(_GZIP_MAGIC):
        return InputError(where, "is gzip-compressed; name it .jsonl.gz (or decompress it)")
    if b"\x00" in head[:_SNIFF_BYTES]:
        return InputError(where, "looks like a binary file, not UTF-8 text")
    return None


def _decode(raw: bytes, where: str) -> str | InputError:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputError(where, f"is not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} at byte {exc.start})")


def _read_txt(path: Path, run: _Run, article_id: str) -> Article | InputError:
    raw = _read_bytes(path)
    if isinstance(raw, InputError):
        return raw
    if b"\x00" in raw[:65536]:
        return InputError(str(path), "looks like a binary file, not UTF-8 text")
    text = _decode(raw.removeprefix(b"\xef\xbb\xbf"), str(path))
    if isinstance(text, InputError):
        return text
    if not text.strip():
        return InputError(str(path), "text is empty")
    run.undated(str(path))
    return Article(id=article_id, text=text, published=run.published)


def _read_stdin(stream: TextIO, run: _Run) -> Iterator[_Read]:
    """Standard input is one article. Bytes are decoded here, strictly: a stream opened with
    errors='surrogateescape' (Python's choice under the C locale) would smuggle bad bytes in."""
    buffer: BinaryIO | None = getattr(stream, "buffer", None)
    if buffer is not None:
        raw = buffer.read()
        if b"\x00" in raw[:65536]:
            yield InputError("<stdin>", "looks like binary data, not UTF-8 text"), "<stdin>"
            return
        text = _decode(raw.removeprefix(b"\xef\xbb\xbf"), "<stdin>")
    else:
        text = stream.read()
        bad = _unpaired_surrogate(text)
        if bad is not None:
            text = InputError("<stdin>", f"is not UTF-8 text ({bad})")
    if isinstance(text, InputError):
        yield text, "<stdin>"
        return
    if not text.strip():
        yield InputError("<stdin>", "text is empty"), "<stdin>"
        return
    run.undated("<stdin>")
    yield Article(id="stdin", text=text, published=run.published), "<stdin>"


def _lines(stream: _LineReader) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line without its end, byte length) for each line; None for a line over MAX_LINE_BYTES,
    which is skipped without being held in memory."""
    n = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        n += 1
        size = len(line)
        if size > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
                size += len(line)
            yield n, None, size
            continue
        yield n, line.rstrip(b"\n").removesuffix(b"\r"), size


def _jsonl_items(stream: _LineReader, path: Path) -> Iterator[_Read]:
    for n, line, size in _lines(stream):
        where = f"{path}:{n}"
        if line is None:
            yield InputError(where, f"line is {size:,} bytes; the limit is {MAX_LINE_BYTES:,}"), where
            continue
        if n == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        text = _decode(line, where)
        if isinstance(text, InputError):
            yield text, where
            continue
        yield article_from_json(text, where), where


def _read_jsonl(path: Path) -> Iterator[_Read]:
    try:
        with path.open("rb") as stream:
            problem = _binary(stream.read(_SNIFF_BYTES), str(path))
            if problem is not None:
                yield problem, str(path)
                return
            stream.seek(0)
            yield from _jsonl_items(stream, path)
    except IsADirectoryError:
        yield InputError(str(path), "is a directory, not a .txt or .jsonl file"), str(path)
    except OSError as exc:
        yield InputError(str(path), f"cannot be read ({exc.strerror or exc})"), str(path)


def _read_jsonl_gz(path: Path) -> Iterator[_Read]:
    """Stream a gzip-compressed JSON Lines file; corrupt data stops that file with an error naming the line."""
    n = 0
    try:
        with gzip.open(path, "rb") as stream:
            for item, where in _jsonl_items(stream, path):
                n = int(where.rsplit(":", 1)[1])
                yield item, where
    except gzip.BadGzipFile as exc:
        if n:
            yield InputError(str(path), f"gzip data is corrupt after line {n} ({exc})"), str(path)
        else:
            yield InputError(str(path), f"is not a valid gzip file ({exc})"), str(path)
    except (EOFError, zlib.error) as exc:
        where = f"after line {n}" if n else "at the start"
        yield InputError(str(path), f"gzip data is corrupt or truncated {where} ({exc})"), str(path)
    except OSError as exc:
        yield InputError(str(path), f"cannot be read ({exc.strerror or exc})"), str(path)


def _json_problem(exc: json.JSONDecodeError) -> str:
    # json's messages end in "at" where the position follows ("Unterminated string starting at")
    place = f"column {exc.colno}" if exc.msg.endswith(" at") else f"at column {exc.colno}"
    return f"invalid JSON ({exc.msg} {place})"


def _unpaired_surrogate(text: str) -> str | None:
    """A description of the first unpaired surrogate in text (which no UTF-8 file can hold), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"unpaired surrogate \\u{ord(text[exc.start]):04x} at character {exc.start}"
    return None


def article_from_json(line: str, where: str) -> Article | InputError:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(where, _json_problem(exc))
    except RecursionError:
        return InputError(where, "invalid JSON (nested too deeply)")
    return article_from_record(obj, where)


def article_from_record(obj: object, where: str) -> Article | InputError:
    """An Article from one input record (a JSON object, a Parquet row), or what is wrong with it."""
    if not isinstance(obj, dict):
        return InputError(where, "line is not a JSON object")
    art_id = obj.get("id")
    if art_id is None or (isinstance(art_id, str) and not art_id.strip()):
        return InputError(where, "missing 'id'")
    if isinstance(art_id, bool) or not isinstance(art_id, (str, int)):
        return InputError(where, "'id' must be a string")
    text = obj.get("text")
    if text is None:
        return InputError(where, f"article {art_id!s}: missing 'text'")
    if not isinstance(text, str):
        return InputError(where, f"article {art_id!s}: 'text' must be a string")
    if not text.strip():
        return InputError(where, f"article {art_id!s}: text is empty")
    meta = {k: obj.get(k) if isinstance(obj.get(k), str) else None for k in ("title", "url", "source")}
    for name, value in (("id", str(art_id)), ("text", text), *meta.items()):
        bad = _unpaired_surrogate(value) if value else None
        if bad is not None:
            return InputError(where, f"'{name}' holds an {bad}: not valid Unicode")
    try:
        published = published_date(obj.get("published"), f"{where}: article {art_id!s}")
    except InputError as exc:
        return exc
    return Article(id=str(art_id), text=text, published=published, **meta)
