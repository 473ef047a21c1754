import datetime as dt
import io
import json

from dotterel.errors import InputError
from dotterel.inputs import read_articles
from dotterel.records import Article


def _read(paths, **kw):
    return list(read_articles([str(p) for p in paths], **kw))


def test_txt_file_becomes_one_article_named_after_the_file(tmp_path):
    p = tmp_path / "story-1.txt"
    p.write_text("Iran and Iraq signed a deal.", encoding="utf-8")
    [art] = _read([p], published=dt.date(2025, 1, 10))
    assert isinstance(art, Article) and art.id == "story-1" and art.published == dt.date(2025, 1, 10)


def test_empty_txt_file_is_rejected_by_name(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("   \n", encoding="utf-8")
    [err] = _read([p])
    assert isinstance(err, InputError) and "empty.txt" in str(err) and "empty" in err.problem


def test_binary_file_is_rejected_as_binary(tmp_path):
    p = tmp_path / "junk.txt"
    p.write_bytes(bytes(range(256)) * 10)
    [err] = _read([p])
    assert isinstance(err, InputError) and "binary" in err.problem


def test_non_utf8_file_is_rejected_with_the_byte_offset(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("Caf\xe9 talks".encode("latin-1"))
    [err] = _read([p])
    assert isinstance(err, InputError) and "UTF-8" in err.problem


def test_missing_file_is_rejected_not_raised(tmp_path):
    [err] = _read([tmp_path / "nope.txt"])
    assert isinstance(err, InputError) and "nope.txt" in str(err)


def test_jsonl_bad_lines_are_named_and_good_lines_kept(tmp_path):
    p = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Iran met Iraq.", "published": "2025-01-08"}),
        "{not json",
        json.dumps({"text": "no id here"}),
        json.dumps({"id": "c", "text": ""}),
        json.dumps({"id": "d", "text": "fine", "published": "08/01/2025"}),
        json.dumps({"id": "e"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "f", "text": "Also fine.", "published": None}),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = _read([p])
    good = [g for g in got if isinstance(g, Article)]
    bad = [g for g in got if isinstance(g, InputError)]
    assert [a.id for a in good] == ["a", "f"]
    assert good[0].published == dt.date(2025, 1, 8)
    assert [e.source for e in bad] == [f"{p}:2", f"{p}:3", f"{p}:4", f"{p}:5: article d", f"{p}:6", f"{p}:7"]
    assert "invalid JSON" in bad[0].problem
    assert "missing 'id'" in bad[1].problem
    assert "not YYYY-MM-DD" in bad[3].problem


def test_stdin_article(tmp_path):
    [art] = list(read_articles(["-"], stdin=io.StringIO("Iran met Iraq.")))
    assert isinstance(art, Article) and art.id == "stdin"
