"""Convert PETRARCH2's CAMEO verb-pattern dictionary into dotterel's verb table.

    python scripts/convert_cameo_verbs.py ../shared/data/petrarch/CAMEO.2.0.txt

writes src/dotterel/data/lexicon/cameo_verbs.tsv (the patterns a dependency parse can check) and
copies the dictionary's MIT licence notice beside it. Run by hand when the dictionary changes; the
output is committed. Problems (lines that could not be read) are listed on standard error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dotterel.events.verbdict import parse, write_table

OUT = Path(__file__).resolve().parents[1] / "src" / "dotterel" / "data" / "lexicon"

HEADER = """# CAMEO verb patterns, converted from PETRARCH2's verb dictionary CAMEO.2.0.txt
# version: 1
# Source: openeventdata/petrarch2, data/dictionaries/CAMEO.2.0.txt (last update 30 April 2015),
# Copyright (c) 2015 Open Event Data Alliance, MIT licence: see CAMEO-verbs-LICENSE.txt.
# Converted by scripts/convert_cameo_verbs.py, one row per pattern. verbs: the lemmas of its
# block, '|'-separated ('_' before a phrasal verb's particle); particle: a preposition or particle
# the verb governs ('-': none); before/after: the words the pattern needs ahead of / after the verb
# in its clause, space-separated, alternatives '|'-separated, '_' inside a phrase ('-': none);
# cameo: the code; line: the pattern's line in the source file.
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("dictionary", type=Path)
    args = ap.parse_args()
    text = args.dictionary.read_text(encoding="utf-8", errors="replace").splitlines()
    patterns, problems = parse(text, str(args.dictionary))
    for p in problems:
        print(f"{args.dictionary}:{p.line}: {p.why}: {p.text}", file=sys.stderr)
    write_table(patterns, OUT / "cameo_verbs.tsv", HEADER)
    notice = [line[2:] if line.startswith("# ") else line[1:] for line in text if line.startswith("#")]
    start = next(i for i, line in enumerate(notice) if line.startswith("The MIT License"))
    end = next(i for i, line in enumerate(notice) if "SOFTWARE." in line and i > start)
    body = "\n".join(notice[start : end + 1])
    (OUT / "CAMEO-verbs-LICENSE.txt").write_text(
        "The file cameo_verbs.tsv is converted from PETRARCH2's CAMEO.2.0.txt, under this licence:\n\n"
        + body
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(patterns)} patterns, {len(problems)} lines skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
