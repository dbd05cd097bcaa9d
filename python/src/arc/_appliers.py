"""Fix appliers (packages/sdk/src/fix-appliers): each part of a fix changes the call before it is made
(prompt, examples, parameters, response format) or its output (repair); retry policies are read by
the call runner. They act on a provider-neutral ``NormalizedCall`` that call shapes translate a
function's arguments to and from, and never mutate what they are given.
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import json_repair

from ._few_shot import ExampleIndex, index_examples, nearest_examples
from ._json_safe import dumps, js_number_text
from .fixes import (
    AnySimpleFix,
    FewShotFix,
    MessagesExample,
    OutputRepairFix,
    ParamPatchFix,
    PromptAdjustmentFix,
    ResponseFormatFix,
    RetryPolicyFix,
)


@dataclass(frozen=True)
class NormalizedCall:
    """The parts of a model call that fixes change, whatever the framework.

    ``params`` uses core's names (temperature, topP, topK, maxTokens, presencePenalty,
    frequencyPenalty, seed, stop, timeoutMs, model); ``response_format`` is ``{name, schema, strict}``.
    """

    system: str | None = None
    messages: list[Any] | None = None
    prompt: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    response_format: dict[str, Any] | None = None


def changes_call(fix: AnySimpleFix) -> bool:
    return isinstance(fix, (PromptAdjustmentFix, FewShotFix, ParamPatchFix, ResponseFormatFix))


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else dumps(value)


def _example_messages(example: Any) -> list[dict[str, Any]]:
    if isinstance(example, MessagesExample):
        return [{"role": m.role, "content": m.content} for m in example.messages]
    return [{"role": "user", "content": _as_text(example.input)}, {"role": "assistant", "content": _as_text(example.output)}]


def apply_prompt_adjustment(call: NormalizedCall, fix: PromptAdjustmentFix) -> NormalizedCall:
    system = f"{call.system}\n\n{fix.instructions}" if call.system else fix.instructions
    return replace(call, system=system)


NO_INPUT: Any = object()
"""The call's input is not known (None is an input like any other)."""


def _examples_for(call: NormalizedCall, fix: FewShotFix, input: Any) -> Sequence[Any]:
    """The examples a call gets: all of them, or with ``nearest``, those nearest its input (the
    conversation when no input is known)."""
    if fix.nearest is None:
        return fix.examples
    query = input if input is not NO_INPUT else (call.messages if call.messages is not None else (call.prompt or ""))
    return nearest_examples(_index_of(fix), query, fix.nearest)


# A fix's pool is compared with every call it is applied to: it is indexed once per fix object (the
# fix cache keeps the objects until the fix changes), and forgotten with it.
_indexes: dict[int, ExampleIndex] = {}


def _index_of(fix: FewShotFix) -> ExampleIndex:
    key = id(fix)
    index = _indexes.get(key)
    if index is None:
        index = _indexes[key] = index_examples(fix.examples)
        weakref.finalize(fix, _indexes.pop, key, None)
    return index


def apply_few_shot(call: NormalizedCall, fix: FewShotFix, input: Any = NO_INPUT) -> NormalizedCall:
    """Puts the example exchanges ahead of the conversation; ``input`` is the call's input as Arc
    records it, which a pooled fix's examples are chosen by."""
    examples = [m for e in _examples_for(call, fix, input) for m in _example_messages(e)]
    if call.messages is None and call.prompt is not None:
        lines = [f"{'Input' if m['role'] == 'user' else 'Output'}: {_as_text(m['content'])}" for m in examples]
        return replace(call, prompt="Examples:\n" + "\n".join(lines) + f"\n\n{call.prompt}")
    return replace(call, messages=[*examples, *(call.messages or [])])


def apply_param_patch(call: NormalizedCall, fix: ParamPatchFix) -> NormalizedCall:
    return replace(call, params={**call.params, **fix.params.model_dump(by_alias=True, exclude_none=True)})


def apply_response_format(call: NormalizedCall, fix: ResponseFormatFix) -> NormalizedCall:
    return replace(call, response_format={"name": fix.name, "schema": fix.schema_, "strict": fix.strict})


def apply_call_fixes(call: NormalizedCall, fixes: Sequence[AnySimpleFix], input: Any = NO_INPUT) -> NormalizedCall:
    out = call
    for fix in fixes:
        if isinstance(fix, PromptAdjustmentFix):
            out = apply_prompt_adjustment(out, fix)
        elif isinstance(fix, FewShotFix):
            out = apply_few_shot(out, fix, input)
        elif isinstance(fix, ParamPatchFix):
            out = apply_param_patch(out, fix)
        elif isinstance(fix, ResponseFormatFix):
            out = apply_response_format(out, fix)
    return out


def apply_output_fixes(output: Any, fixes: Sequence[AnySimpleFix]) -> Any:
    out = output
    for fix in fixes:
        if isinstance(fix, OutputRepairFix):
            out = repair_output(out, fix)
    return out


# ---- output repair (output-repair.ts, coerce-to-schema.ts) ----

_NUMERIC = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\Z", re.ASCII)
_BOOLEAN = re.compile(r"(true|false)\Z", re.ASCII | re.IGNORECASE)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _matches(value: Any, kind: str) -> bool:
    actual = _json_type(value)
    return actual == kind or (kind == "number" and actual == "integer")


def _convert(value: Any, kind: str) -> tuple[bool, Any]:
    if isinstance(value, str):
        text = value.strip()
        if kind in ("number", "integer") and _NUMERIC.match(text):
            n = float(text)
            if n.is_integer() and abs(n) < 2**53:
                return True, int(n)
            if kind == "number":
                return True, n
        if kind == "boolean" and _BOOLEAN.match(text):
            return True, text.lower() == "true"
        if kind == "null" and text == "null":
            return True, None
    if kind == "string" and (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return True, js_number_text(value)
    if kind == "string" and isinstance(value, bool):
        return True, "true" if value else "false"
    if kind == "array" and value is not None:
        return True, [value]
    return False, None


def coerce_to_schema(value: Any, schema: dict[str, Any]) -> Any:
    """Fixes the usual near-misses of model output against a JSON Schema; never makes it less valid."""
    raw = schema.get("type")
    kinds = [raw] if isinstance(raw, str) else [str(t) for t in raw] if isinstance(raw, list) else []
    result = value
    if kinds and not any(_matches(value, k) for k in kinds):
        for kind in kinds:
            ok, converted = _convert(value, kind)
            if ok:
                result = converted
                break
    options = schema.get("enum")
    if isinstance(options, list) and isinstance(result, str) and result not in options:
        lower = result.strip().lower()
        result = next((o for o in options if isinstance(o, str) and o.lower() == lower), result)
    items = schema.get("items")
    if isinstance(result, list) and isinstance(items, dict):
        return [coerce_to_schema(item, items) for item in result]
    properties = schema.get("properties")
    if isinstance(result, dict) and isinstance(properties, dict):
        out = dict(result)
        for key, sub in properties.items():
            if key in out and isinstance(sub, dict):
                out[key] = coerce_to_schema(out[key], sub)
        return out
    return result


def repair_output(output: Any, fix: OutputRepairFix) -> Any:
    """Text stays text: broken JSON is repaired (then coerced and written back); structured output is
    coerced in place; what cannot be repaired is returned unchanged."""
    if not isinstance(output, str):
        return coerce_to_schema(output, fix.schema_) if fix.coerce and fix.schema_ is not None else output
    text = output
    if fix.json_:
        try:
            repaired = json_repair.repair_json(output)
        except Exception:
            return output
        if not isinstance(repaired, str) or repaired.strip() in ("", '""'):
            return output
        text = repaired.strip()
    if fix.coerce and fix.schema_ is not None:
        try:
            return dumps(coerce_to_schema(json.loads(text), fix.schema_))
        except ValueError:
            return text
    return text


# ---- retry policies (retry-policy.ts, backoff.ts) ----


def backoff_delay(retry: int, base: float, cap: float, jitter: str, random: Any) -> float:
    """Delay before retry number ``retry`` (1 for the first): exponential, capped, jittered."""
    ceiling = min(cap, base * 2 ** max(0, retry - 1))
    if jitter == "full":
        return float(int(random() * ceiling))
    if jitter == "equal":
        return float(int(ceiling / 2 + random() * ceiling / 2))
    return float(ceiling)


def retry_policy_covers(fix: RetryPolicyFix, category: str, status: int | None) -> bool:
    return category in fix.retry_on.categories or (status is not None and status in fix.retry_on.statuses)
