"""Input readers at the edges: nothing lost silently, every rejection names the file and line."""

import datetime as dt
import gzip
import io
import json

from dotterel.errors import InputError
from dotterel.inputs import read_articles
from dotterel.records import Article


def _read(paths, **kw):
    return list(read_articles([str(p) for p in paths], **kw))


def _jsonl(*objs):
    return "".join(json.dumps(o) + "\n" for o in objs).encode()


# ---- case 1: same file name in two subfolders ------------------------------------------------


def test_files_with_the_same_name_in_two_subfolders_get_ids_from_their_relative_paths(tmp_path):
    for outlet, text in (("bbc", "Iran met Iraq in Baghdad."), ("reuters", "Turkey criticized Greece.")):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "2018-04-14.txt").write_text(text, encoding="utf-8")
    (tmp_path / "top.txt").write_text("Israel accused Iran.", encoding="utf-8")
    got = _read([tmp_path], published=dt.date(2018, 4, 14))
    assert sorted(a.id for a in got) == ["bbc/2018-04-14", "reuters/2018-04-14", "top"]


def test_two_different_articles_under_one_id_are_an_error_naming_both_places(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "story.txt").write_text("Iran met Iraq in Baghdad.", encoding="utf-8")
    (b / "story.txt").write_text("Turkey criticized Greece.", encoding="utf-8")
    first, second = _read([a / "story.txt", b / "story.txt"], published=dt.date(2018, 4, 14))
    assert isinstance(first, Article) and first.id == "story"
    assert isinstance(second, InputError)
    assert second.source == str(b / "story.txt") and str(a / "story.txt") in second.problem
    assert "'story'" in second.problem


def test_the_same_article_given_twice_is_not_an_error(tmp_path):
    p = tmp_path / "story.txt"
    p.write_text("Iran met Iraq in Baghdad.", encoding="utf-8")
    got = _read([p, p], published=dt.date(2018, 4, 14))
    assert all(isinstance(g, Article) for g in got)


def test_jsonl_lines_with_one_id_and_different_texts_are_an_error_on_the_second(tmp_path):
    p = tmp_path / "batch.jsonl"
    p.write_bytes(_jsonl({"id": "x", "text": "Iran met Iraq."}, {"id": "x", "text": "Turkey criticized Greece."}))
    first, second = _read([p])
    assert isinstance(first, Article) and isinstance(second, InputError)
    assert second.source == f"{p}:2" and f"{p}:1" in second.problem


# ---- case 2: one bad byte in a .jsonl ---------------------------------------------------------


def _eleven_articles_with_a_bad_byte_in_line_4():
    lines = [json.dumps({"id": f"a{i}", "text": f"Iran met Iraq on day {i}."}).encode() for i in range(1, 12)]
    lines[3] = lines[3].replace(b"Iran", b"Ir\xe9n")
    return b"\n".join(lines) + b"\n"


def test_an_invalid_utf8_byte_rejects_only_its_jsonl_line_with_file_and_line(tmp_path):
    p = tmp_path / "eleven.jsonl"
    p.write_bytes(_eleven_articles_with_a_bad_byte_in_line_4())
    got = _read([p])
    good = [g for g in got if isinstance(g, Article)]
    [bad] = [g for g in got if isinstance(g, InputError)]
    assert len(good) == 10 and "a4" not in {a.id for a in good}
    assert bad.source == f"{p}:4" and "UTF-8" in bad.problem


def test_an_invalid_utf8_byte_rejects_only_its_line_in_a_jsonl_gz(tmp_path):
    p = tmp_path / "eleven.jsonl.gz"
    p.write_bytes(gzip.compress(_eleven_articles_with_a_bad_byte_in_line_4()))
    got = _read([p])
    assert sum(isinstance(g, Article) for g in got) == 10
    [bad] = [g for g in got if isinstance(g, InputError)]
    assert bad.source == f"{p}:4" and "UTF-8" in bad.problem


def test_a_json_string_with_a_line_separator_stays_one_line(tmp_path):
    p = tmp_path / "ls.jsonl"
    text = "Iran met Iraq.\u2028Turkey criticized Greece.\x85Then Israel accused Iran."
    p.write_text(json.dumps({"id": "a", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    [art] = _read([p])
    assert isinstance(art, Article) and art.text == text


def test_a_gzip_file_named_jsonl_is_rejected_as_compressed(tmp_path):
    p = tmp_path / "batch.jsonl"
    p.write_bytes(gzip.compress(_jsonl({"id": "a", "text": "Iran met Iraq."})))
    [err] = _read([p])
    assert isinstance(err, InputError) and err.source == str(p) and "gzip" in err.problem


def test_an_unpaired_surrogate_escape_is_rejected_with_its_line(tmp_path):
    p = tmp_path / "sur.jsonl"
    p.write_text('{"id": "a", "text": "Iran \\ud800 met Iraq."}\n{"id": "b", "text": "Fine."}\n')
    bad, good = _read([p])
    assert isinstance(bad, InputError) and bad.source.startswith(f"{p}:1") and "surrogate" in bad.problem
    assert isinstance(good, Article)


def test_invalid_utf8_on_stdin_is_rejected_not_smuggled_in_as_surrogates():
    stream = io.TextIOWrapper(io.BytesIO(b"Iran \xff met Iraq."), encoding="utf-8", errors="surrogateescape")
    [err] = list(read_articles(["-"], stdin=stream))
    assert isinstance(err, InputError) and "UTF-8" in err.problem


# ---- case 10: warnings and the JSON message ---------------------------------------------------


def test_a_txt_file_without_a_publication_date_gives_one_warning(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Iran met Iraq on Monday.", encoding="utf-8")
    warnings: list[str] = []
    _read([tmp_path], warn=warnings.append)
    assert len(warnings) == 1 and "--published" in warnings[0]
    warnings.clear()
    _read([tmp_path], published=dt.date(2025, 1, 10), warn=warnings.append)
    assert warnings == []


def test_files_of_other_types_in_a_folder_are_named_in_a_warning(tmp_path):
    (tmp_path / "a.txt").write_text("Iran met Iraq.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article")
    (tmp_path / "data.csv").write_text("x,y")
    (tmp_path / ".DS_Store").write_text("hidden")
    warnings: list[str] = []
    _read([tmp_path], published=dt.date(2025, 1, 10), warn=warnings.append)
    [w] = warnings
    assert "2 files" in w and "notes.md" in w and "data.csv" in w and "DS_Store" not in w


def test_a_json_error_message_reads_as_english(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": "a", "text": "unterminated\n')
    [err] = _read([p])
    assert "at at" not in err.problem and "column" in err.problem
