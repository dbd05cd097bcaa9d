"""Few-shot examples chosen per call (packages/core/src/few-shot-selection.ts, message-similarity.ts):
a few-shot fix with ``nearest: k`` carries a pool of examples, and each call gets the k whose inputs
are most similar to its own. Inputs are compared as core's message vectors (character 3-grams hashed
into 2^12 buckets) of a canonical text, weighted by how rare each 3-gram is in the pool (smooth idf,
``ln((1 + n) / (1 + df)) + 1``), by cosine. Every step is core's, to the UTF-16 code unit, so both
SDKs give a call the same examples (shared vectors: packages/core/test-vectors/few-shot-picks.json).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._json_safe import JsonBounds, dumps, js_number_text, js_slice, to_json_safe
from ._fingerprint import JS_SPACE_CHARS
from ._redact import JS_SPACE

MAX_SIMILARITY_TEXT = 4_000
"""Characters of an input compared at most: enough to tell tasks apart, bounded work per call."""
_TEXT_BOUNDS = JsonBounds(max_string_length=MAX_SIMILARITY_TEXT, max_total_size=4 * MAX_SIMILARITY_TEXT)
_NGRAM = 3
_BUCKET_MASK = (1 << 12) - 1
_SPACE_RUN = re.compile(f"[{JS_SPACE}]+")
_LONE_SURROGATE = re.compile("[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")

Vector = dict[int, float]
"""Bucket -> weight, the buckets in increasing order (the order core sums in)."""


def _json_string(text: str) -> str:
    # JSON.stringify escapes lone surrogates; json.dumps would write them as they are.
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumps(text))


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def canonical_json(value: Any) -> str:
    """JSON of JSON-safe data with object keys sorted by UTF-16 code units (core's canonicalJson)."""
    if value is None or value is True or value is False:
        return "null" if value is None else ("true" if value else "false")
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, (int, float)):
        return js_number_text(value) if math.isfinite(value) else "null"
    if isinstance(value, Mapping):
        keys = sorted((k for k in value if isinstance(k, str)), key=_utf16_key)
        return "{" + ",".join(f"{_json_string(k)}:{canonical_json(value[k])}" for k in keys) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    return "null"


def similarity_text(value: Any) -> str:
    """The text an input is compared by: a string as it is, anything else as canonical JSON; bounded."""
    text = value if isinstance(value, str) else canonical_json(to_json_safe(value, _TEXT_BOUNDS))
    return js_slice(text, MAX_SIMILARITY_TEXT)


def message_vector(message: str) -> Vector:
    """Core's messageVector: FNV-1a over each 3 UTF-16 units of the lowercased, space-collapsed text."""
    text = f" {_SPACE_RUN.sub(' ', message.lower()).strip(JS_SPACE_CHARS)} "
    units = memoryview(text.encode("utf-16-le", "surrogatepass")).cast("H")
    counts: dict[int, int] = {}
    for i in range(len(units) - _NGRAM + 1):
        h = ((0x811C9DC5 ^ units[i]) * 0x01000193) & 0xFFFFFFFF
        h = ((h ^ units[i + 1]) * 0x01000193) & 0xFFFFFFFF
        bucket = (((h ^ units[i + 2]) * 0x01000193) & 0xFFFFFFFF) & _BUCKET_MASK
        counts[bucket] = counts.get(bucket, 0) + 1
    buckets = sorted(counts)
    norm = math.sqrt(sum(counts[b] * counts[b] for b in buckets))
    return {b: counts[b] / norm for b in buckets}


def cosine_similarity(a: Vector, b: Vector) -> float:
    dot = 0.0
    for bucket in sorted(a.keys() & b.keys()):
        dot += a[bucket] * b[bucket]
    return min(1.0, dot)


def _weighted(vector: Vector, idf: Mapping[int, float], unseen: float = 0.0) -> Vector:
    values = {b: v * idf.get(b, unseen) for b, v in vector.items()}
    norm = 0.0
    for value in values.values():
        norm += value * value
    norm = math.sqrt(norm)
    return {b: v / norm for b, v in values.items()} if norm > 0 else values


def example_input_text(example: Any) -> str:
    """The input side of an example: its input, or the user turns of a literal exchange."""
    messages = getattr(example, "messages", None)
    if messages is None:
        return similarity_text(example.input)
    return similarity_text("\n".join(m.content for m in messages if m.role == "user"))


@dataclass(frozen=True)
class ExampleIndex:
    """A pool ready to be searched: kept as long as its fix (a fix applies to many calls)."""

    examples: tuple[Any, ...]
    idf: dict[int, float]
    vectors: tuple[Vector, ...]


def index_examples(examples: Sequence[Any]) -> ExampleIndex:
    raw = [message_vector(example_input_text(e)) for e in examples]
    df: dict[int, int] = {}
    for vector in raw:
        for bucket in vector:
            df[bucket] = df.get(bucket, 0) + 1
    n = len(examples)
    idf = {bucket: math.log((1 + n) / (1 + count)) + 1 for bucket, count in df.items()}
    return ExampleIndex(tuple(examples), idf, tuple(_weighted(v, idf) for v in raw))


def nearest_examples(index: ExampleIndex, query: Any, k: int) -> list[Any]:
    """The ``k`` examples whose inputs are most similar to ``query``, ties to the earlier in the pool,
    ordered from the least to the most similar so that the nearest comes right before the call's own input."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError(f"k must be an integer >= 0, got {k!r}")
    examples = index.examples
    if k >= len(examples):
        return list(examples)
    # A 3-gram the pool lacks weighs as one in no example: it only scales every score alike.
    unseen = math.log(1 + len(examples)) + 1
    wanted = _weighted(message_vector(similarity_text(query)), index.idf, unseen)
    scored = sorted(range(len(examples)), key=lambda i: (-cosine_similarity(wanted, index.vectors[i]), i))
    return [examples[i] for i in reversed(scored[:k])]
