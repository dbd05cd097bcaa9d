"""The test vectors core writes for every SDK (npm run vectors), read from the repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def load(path: str) -> list[dict[str, Any]]:
    data = json.loads((REPO / path).read_text(encoding="utf-8"))
    assert isinstance(data, list) and data, f"{path} holds no vectors"
    return data


def decode_input(chunks: list[str]) -> Any:
    return json.loads("".join(chunks))
