"""``arc export`` files as Python's tools read them: pyarrow sees VERL's nested columns and the flat
records with their types; ``datasets`` loads both trainers' formats."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import load_dataset

from .conftest import ArcServer


def test_verl_parquet_has_rlhfdataset_columns(arc_server: ArcServer, three_patterns: list[str], tmp_path: Path) -> None:
    table = pq.read_table(arc_server.export("verl", tmp_path / "train.parquet"))
    assert table.num_rows == 11
    schema = table.schema
    assert schema.field("data_source").type == pa.string()
    assert schema.field("prompt").type == pa.list_(
        pa.field("element", pa.struct([pa.field("role", pa.string(), False), pa.field("content", pa.string(), False)]), False)
    )
    assert schema.field("reward_model").type.names == ["style", "ground_truth"]
    info = schema.field("extra_info").type
    assert info.field("index").type == pa.int64() and info.field("pattern_id").type == pa.string()
    rows = table.to_pylist()
    assert [r["extra_info"]["index"] for r in rows] == list(range(11))
    assert {r["extra_info"]["pattern_id"] for r in rows} == {*three_patterns, None}
    first = next(r for r in rows if r["extra_info"]["pattern_id"] == three_patterns[2])
    assert first["prompt"] in ([{"role": "user", "content": "Paris?"}], [{"role": "user", "content": "Oslo?"}])
    assert first["data_source"] == "arc/lookup" and first["reward_model"] == {"style": "rule", "ground_truth": None}


def test_record_parquet_and_trl_lines_load(arc_server: ArcServer, three_patterns: list[str], tmp_path: Path) -> None:
    table = pq.read_table(arc_server.export("parquet", tmp_path / "calls.parquet", "--patterns", three_patterns[2]))
    assert table.schema.field("timestamp").type == pa.timestamp("ms", tz="UTC")
    assert table.schema.field("verdict_score").type == pa.float64()
    assert sorted(json.loads(i) for i in table.column("input").to_pylist()) == [["Oslo?"], ["Paris?"]]

    trl = load_dataset("json", data_files=str(arc_server.export("trl", tmp_path / "arc.jsonl")))["train"]
    assert len(trl) == 11 and trl[0]["prompt"][0]["role"] == "user"
    assert set(trl.column_names) >= {"prompt", "pattern_id", "function", "ground_truth", "index"}
