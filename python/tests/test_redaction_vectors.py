"""The Python port of core's redaction and bounding gives exactly core's outputs (shared vectors)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from arc._json_safe import JsonBounds
from arc._redact import RedactOptions, SecretPattern, redact_identifiers, redact_text, redactor_for

from .vectors import decode_input, load

VECTORS = load("packages/core/test-vectors/redaction.json")

_BOUND_NAMES = {
    "maxStringLength": "max_string_length",
    "maxDepth": "max_depth",
    "maxKeys": "max_keys",
    "maxItems": "max_items",
    "maxTotalSize": "max_total_size",
}


def _options(raw: dict[str, Any] | None) -> RedactOptions | None:
    if raw is None:
        return None
    patterns = [
        SecretPattern(p["name"], re.compile(p["source"], re.IGNORECASE if "i" in p["flags"] else 0))
        for p in raw.get("extraPatterns", [])
    ]
    return RedactOptions(
        extra_keys=tuple(raw.get("extraKeys", ())), extra_patterns=tuple(patterns), emails=raw.get("emails", True)
    )


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_matches_core(vector: dict[str, Any]) -> None:
    value = decode_input(vector["input"])
    options = _options(vector.get("options"))
    if vector["kind"] == "text":
        assert redact_text(value, options) == vector["expected"]
    elif vector["kind"] == "identifiers":
        assert redact_identifiers(value, vector["key"], vector["maxLength"], options) == vector["expected"]
    else:
        bounds = JsonBounds(**{_BOUND_NAMES[k]: v for k, v in vector.get("bounds", {}).items()})
        redacted = redactor_for(options).bounded(value, bounds)
        assert redacted == vector["expected"]
        assert list(redacted) == list(vector["expected"]) if isinstance(redacted, dict) else True


def test_vectors_cover_every_kind() -> None:
    assert {v["kind"] for v in VECTORS} == {"text", "value", "identifiers"}
    assert sum(1 for v in VECTORS if v["kind"] == "text" and v["expected"] != decode_input(v["input"])) >= 40


def test_identifier_vectors_hold_placeholders_that_differ_by_key() -> None:
    identifiers = [v for v in VECTORS if v["kind"] == "identifiers"]
    by_key = {v["key"]: v for v in identifiers if v["name"].startswith(("each secret", "another key"))}
    assert len(by_key) == 2
    first, second = by_key.values()
    assert decode_input(first["input"]) == decode_input(second["input"])
    changed = [a for a, b in zip(first["expected"], second["expected"]) if "#" in a]
    assert changed and all(a not in second["expected"] for a in changed)


def test_a_long_text_is_read_only_as_far_as_its_cut_needs_and_agrees_there_with_the_whole_redacted() -> None:
    # Core's property test (redact-secrets.test.ts), over the corpus: each text, padded so that a read
    # past the cut stops short of the end, at every third cut.
    redactor = redactor_for(None)
    texts = [decode_input(v["input"]) for v in VECTORS if v["kind"] == "text"]
    read_short = 0
    for text in texts:
        padded = f"{text} {text}\n{'tail ' * 40}"
        whole = redact_text(padded)
        for limit in range(0, len(text) + 20, 3):
            head, unread = redactor.for_cut(padded, limit)
            if unread == 0:
                assert head == whole
            else:
                read_short += 1
                assert head[: limit + 1] == whole[: limit + 1], (text, limit)
    assert read_short > 1000
