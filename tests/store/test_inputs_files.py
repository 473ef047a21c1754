"""Reading .jsonl.gz files and folders of articles (dotterel.inputs)."""

import gzip
import json

from dotterel.errors import InputError
from dotterel.inputs import read_articles
from dotterel.records import Article


def lines(*objs):
    return "".join(json.dumps(o) + "\n" for o in objs)


def test_a_jsonl_gz_file_is_read_like_jsonl(tmp_path):
    p = tmp_path / "batch.jsonl.gz"
    p.write_bytes(gzip.compress(lines({"id": "a", "text": "Iran met Iraq.", "published": "2025-01-08"}).encode()))
    [art] = read_articles([str(p)])
    assert isinstance(art, Article) and art.id == "a" and art.published.isoformat() == "2025-01-08"


def test_a_file_that_is_not_gzip_is_rejected_by_name(tmp_path):
    p = tmp_path / "batch.jsonl.gz"
    p.write_text(lines({"id": "a", "text": "plain, not compressed"}))
    [err] = read_articles([str(p)])
    assert isinstance(err, InputError) and err.source == str(p) and "not a valid gzip file" in err.problem


def test_a_truncated_gzip_file_keeps_the_lines_before_the_damage(tmp_path):
    body = lines(*({"id": f"a{i}", "text": f"Article number {i} about Iran and Iraq. " * 40} for i in range(50)))
    data = gzip.compress(body.encode())
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(data[: len(data) // 2])
    got = list(read_articles([str(p)]))
    good = [g for g in got if isinstance(g, Article)]
    [err] = [g for g in got if isinstance(g, InputError)]
    assert 0 < len(good) < 50 and "corrupt or truncated" in err.problem and str(p) in str(err)


def test_a_gzip_file_with_a_bad_checksum_is_reported(tmp_path):
    data = bytearray(gzip.compress(lines({"id": "a", "text": "Iran met Iraq."}).encode()))
    data[-8] ^= 0xFF  # CRC32 of the trailer
    p = tmp_path / "crc.jsonl.gz"
    p.write_bytes(bytes(data))
    got = list(read_articles([str(p)]))
    assert isinstance(got[-1], InputError) and "gzip" in got[-1].problem


def test_a_folder_is_read_recursively_in_name_order_skipping_other_and_hidden_files(tmp_path):
    (tmp_path / "b.txt").write_text("Iran met Iraq.", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(lines({"id": "j1", "text": "One."}), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.jsonl.gz").write_bytes(gzip.compress(lines({"id": "g1", "text": "Two."}).encode()))
    (tmp_path / "notes.md").write_text("not an article")
    (tmp_path / ".hidden.txt").write_text("hidden")
    got = list(read_articles([str(tmp_path)]))
    assert [a.id for a in got] == ["j1", "b", "g1"]


def test_an_empty_folder_is_an_input_error(tmp_path):
    [err] = read_articles([str(tmp_path)])
    assert isinstance(err, InputError) and "no .txt, .jsonl or .jsonl.gz files" in err.problem
