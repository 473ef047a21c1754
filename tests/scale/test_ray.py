"""The Ray engine on a local Ray (2 CPUs): the local engine's events, resumable, a killed worker redone."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[ray]'; make test installs it)")

from dotterel.bounded import BoundedCoder, Limits  # noqa: E402
from dotterel.export.plover import to_plover  # noqa: E402
from dotterel.inputs import read_articles  # noqa: E402
from dotterel.pipeline import Coder  # noqa: E402
from dotterel.ray_engine import RayEngineError, read_plover, run  # noqa: E402


@pytest.fixture(scope="module")
def local_ray():  # type: ignore[no-untyped-def]
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def inputs(news_file, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The news corpus as JSONL (with a bad line and a long article) plus a Parquet file of six more."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tests.scale.conftest import news_articles

    rows = sorted(news_articles(), key=lambda a: len(a["text"]))[20:26]
    folder = tmp_path_factory.mktemp("ray-in")
    parquet = folder / "more.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet, row_group_size=4)
    return [str(news_file), str(parquet)]


@pytest.fixture(scope="module")
def expected(inputs, coder):  # type: ignore[no-untyped-def]
    """What the local engine writes for the same input."""
    import pyarrow.parquet as pq

    from dotterel.inputs import article_from_record

    articles = [a for a in read_articles([inputs[0]]) if not hasattr(a, "problem")]
    articles += [article_from_record(r, "x") for r in pq.read_table(inputs[1]).to_pylist()]
    return [to_plover(e) for o in BoundedCoder(coder, Limits(timeout=None)).code_many(articles) for e in o.events]


def test_ray_codes_the_same_events_as_the_local_engine(local_ray, inputs, expected, tmp_path):
    summary = run(inputs, tmp_path / "out", load=Coder.load, limits=Limits(timeout=None), shard_size=5)
    assert list(read_plover(tmp_path / "out")) == expected
    assert summary.events == len(expected) and summary.shards == 7
    assert [src for src, _ in summary.rejected] == [f"{inputs[0]}:12"]  # the bad JSON line, named
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "out" / "events")
    assert table.num_rows == len(expected)
    assert sorted(table.column("id").to_pylist()) == sorted(e["id"] for e in expected)


def test_a_worker_killed_mid_run_loses_nothing_and_doubles_nothing(local_ray, inputs, expected, tmp_path):
    out = tmp_path / "out"
    done: list = []
    worker = threading.Thread(
        target=lambda: done.append(run(inputs, out, load=Coder.load, limits=Limits(timeout=None), shard_size=5))
    )
    worker.start()
    victim = None
    deadline = time.monotonic() + 300
    while victim is None and time.monotonic() < deadline and worker.is_alive():
        running = list((out / "running").glob("shard-*")) if (out / "running").is_dir() else []
        if running:
            victim = int(running[0].name.rsplit(".", 1)[1])
            os.kill(victim, signal.SIGKILL)
        time.sleep(0.05)
    worker.join(600)
    assert victim is not None, "no shard was seen in flight"
    assert done, "the run did not finish"
    records = list(read_plover(out))
    assert records == expected
    assert len({r["id"] for r in records}) == len(records)
    workers = {json.loads(p.read_text())["worker"] for p in (out / "shards").glob("*.json")}
    assert victim not in workers  # the killed worker's shard was coded again by another


def test_a_stopped_run_is_finished_by_running_it_again(local_ray, inputs, expected, tmp_path):
    out = tmp_path / "out"
    run(inputs, out, load=Coder.load, limits=Limits(timeout=None), shard_size=5)
    (out / "shards" / "shard-00002.json").unlink()  # as if its worker never finished it
    (out / "plover" / "shard-00002.jsonl").write_text("half a file")
    again = run(inputs, out, load=Coder.load, limits=Limits(timeout=None), shard_size=5)
    assert again.shards_done_before == again.shards - 1
    assert list(read_plover(out)) == expected


def test_an_output_folder_of_another_run_is_refused(local_ray, inputs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(RayEngineError, match="not empty"):
        run(inputs, out, load=Coder.load)
    other = tmp_path / "other"
    (other / "shards").mkdir(parents=True)
    (other / "_plan.json").write_text(json.dumps({"plan_version": 1, "shards": []}))
    with pytest.raises(RayEngineError, match="other input"):
        run(inputs, other, load=Coder.load)


def test_input_the_ray_engine_cannot_read_is_named(tmp_path):
    txt = tmp_path / "one.txt"
    txt.write_text("Iran met Iraq.")
    with pytest.raises(RayEngineError, match="one.txt"):
        run([str(txt)], tmp_path / "out", load=Coder.load)
    with pytest.raises(RayEngineError, match="no such file"):
        run([str(tmp_path / "missing.jsonl")], tmp_path / "out", load=Coder.load)
    assert not Path(tmp_path / "out").exists()
