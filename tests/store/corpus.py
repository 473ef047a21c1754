"""A synthetic news corpus for ingest tests and the ingest benchmark, made on the fly.

Articles vary real text: the bundled example articles with their actors' names, dates and
paragraph selection changed, and (when ../shared/data/dev is present) news sentences from the
development sets grouped into short articles. Deterministic for a given seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEED = EXAMPLES / "iran-iraq-2025-01-10.txt"
SECOND = EXAMPLES / "second-article" / "tehran-meeting.txt"
DEV = ROOT.parent / "shared" / "data" / "dev"

# (title, full name, short name) of Iraqi officials standing in for the visiting prime minister
VISITORS = (
    ("Prime Minister", "Mohammed Shia' al-Sudani", "al-Sudani"),
    ("Foreign Minister", "Fuad Hussein", "Hussein"),
    ("President", "Abdul Latif Rashid", "Rashid"),
    ("Defence Minister", "Thabet al-Abbasi", "al-Abbasi"),
)
SOURCES = ("Tehran Times", "Rudaw", "Shafaq News", "Al-Monitor", "Reuters", "AFP", "Kurdistan24", "The National")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _day(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}"


def _with_visitor(text: str, visitor: tuple[str, str, str]) -> str:
    title, full, short = visitor
    for name in ("Mohammed Shia' al-Sudani", "Mohammed Shia al-Sudani"):
        text = text.replace(f"Prime Minister {name}", f"{title} {full}")
    text = text.replace("the Iraqi prime minister", f"the Iraqi {title.lower()}")
    text = text.replace("Al-Sudani", short[0].upper() + short[1:]).replace("al-Sudani", short)
    return text


def _shift_dates(text: str, offset: int) -> str:
    # replace the later dates first so that "January 8" never catches a replaced "January 18"
    for day in (9, 8, 6):
        text = text.replace(f"January {day}", "\x00" + str(day))
    for day in (9, 8, 6):
        text = text.replace("\x00" + str(day), _day(dt.date(2025, 1, day) + dt.timedelta(days=offset)))
    return text


def _dev_sentences() -> list[str]:
    sentences: list[str] = []
    penta = DEV / "penta_train.tsv"
    if penta.exists():
        with penta.open(encoding="utf-8", errors="replace") as f:
            sentences += [row[0] for row in csv.reader(f, delimiter="\t") if row and row[0].strip()]
    plv = DEV / "plv_train.tsv"
    if plv.exists():
        with plv.open(encoding="utf-8", errors="replace") as f:
            sentences += [row["sentence"] for row in csv.DictReader(f, delimiter="\t") if row.get("sentence")]
    return sentences


def _variant(
    rng: random.Random, kind: int, base: list[str], second: list[str], dev: list[str]
) -> tuple[str, dt.date]:
    """One article text and its publication date."""
    offset = rng.randrange(0, 400)
    visitor = VISITORS[rng.randrange(len(VISITORS))]
    if kind == 0:
        keep = [0, 1] + sorted(rng.sample(range(2, len(base)), rng.randint(1, 4)))
        text = "\n".join(base[k] for k in keep)
        return _with_visitor(_shift_dates(text, offset), visitor), dt.date(2025, 1, 10) + dt.timedelta(days=offset)
    if kind == 1:
        lines = second[:1] + rng.sample(second[1:], rng.randint(0, len(second) - 1))
        text = _with_visitor(_shift_dates("\n".join(lines), offset), visitor)
        return text, dt.date(2025, 1, 9) + dt.timedelta(days=offset)
    text = " ".join(rng.sample(dev, rng.randint(3, 6)))
    return text, dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 1500))


def make_articles(n: int, *, seed: int = 7, duplicates: int = 0) -> list[dict]:
    """`n` article dicts (JSON Lines fields); the last `duplicates` repeat earlier texts under new ids."""
    rng = random.Random(seed)
    base = SEED.read_text(encoding="utf-8").strip().split("\n")
    second = SECOND.read_text(encoding="utf-8").strip().split("\n")
    dev = _dev_sentences()
    out: list[dict] = []
    seen: set[str] = set()
    for i in range(n - duplicates):
        source = SOURCES[rng.randrange(len(SOURCES))]
        text = ""
        published = dt.date(2025, 1, 10)
        while not text or text in seen:  # only the `duplicates` at the end repeat a text
            text, published = _variant(rng, i % 3 if dev else i % 2, base, second, dev)
        seen.add(text)
        art_id = f"synth-{i:05d}"
        out.append(
            {
                "id": art_id,
                "text": text,
                "published": published.isoformat(),
                "title": text.split(".")[0][:80],
                "source": source,
                "url": f"https://news.example.org/{source.lower().replace(' ', '-')}/{art_id}",
            }
        )
    for j in range(duplicates):
        original = out[rng.randrange(n - duplicates)]
        out.append({**original, "id": f"synth-dup-{j:05d}", "url": f"https://mirror.example.org/{original['id']}"})
    return out


def write_corpus(folder: Path, articles: list[dict], *, per_file: int = 50) -> Path:
    """Write articles as a folder of .jsonl and .jsonl.gz files (alternating), in a sub-folder too."""
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(0, len(articles), per_file):
        chunk = articles[k : k + per_file]
        lines = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in chunk)
        n = k // per_file
        where = folder / "more" if n % 3 == 2 else folder
        where.mkdir(exist_ok=True)
        if n % 2:
            with gzip.open(where / f"part-{n:04d}.jsonl.gz", "wt", encoding="utf-8") as f:
                f.write(lines)
        else:
            (where / f"part-{n:04d}.jsonl").write_text(lines, encoding="utf-8")
    return folder
