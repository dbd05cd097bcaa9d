"""The fixes Arc deploys, as pydantic models matching core's ``fix-types.ts`` field for field.

Fixes are data, never code. Everything the server sends is validated here before it can change a
call: a malformed fix, or one of a type this SDK does not know, is skipped (and counted), never
applied. The same inputs are accepted and refused as core's parser accepts and refuses them (shared
vectors: packages/core/test-vectors/deployed-fixes.json).
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel

from ._json_safe import js_length

Category = Literal["api_schema", "auth_failure", "parsing_error", "timeout", "validation", "rate_limit", "network", "wrong_answer", "unknown"]
FixRisk = Literal["low", "medium", "high"]
Jitter = Literal["full", "equal", "none"]

_MAX_TEXT = 20_000
_MAX_EXAMPLES = 20
_MAX_EXAMPLE_POOL = 32
_MAX_SAFE_INTEGER = 2**53 - 1


def _text(limit: int) -> Any:
    def check(value: str) -> str:
        if value == "":
            raise ValueError("must be a non-empty string")
        if js_length(value) > limit:
            raise ValueError(f"must be at most {limit} characters")
        return value

    return AfterValidator(check)


def _number(value: Any) -> Any:
    # JSON numbers only: booleans are not numbers, and infinities cannot come from JSON.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("must be a number")
    return value


def _integer(value: Any) -> Any:
    value = _number(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be an integer")
        return int(value)
    return value


def _boolean(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError("must be a boolean")
    return value


Text = Annotated[str, _text(_MAX_TEXT)]
ShortText = Annotated[str, _text(200)]
Number = Annotated[float, BeforeValidator(_number)]
Integer = Annotated[int, BeforeValidator(_integer)]
Boolean = Annotated[bool, BeforeValidator(_boolean)]


class _Wire(BaseModel):
    """A JSON object of the wire: camelCase keys only, unknown keys refused, null never a value."""

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=False, validate_by_alias=True, extra="forbid", frozen=True, strict=True
    )

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = {field.alias or name for name, field in cls.model_fields.items()}
            for key, value in data.items():
                if value is None and key in known:
                    raise ValueError(f"{key} must not be null")
        return data

    def wire(self) -> dict[str, Any]:
        """As JSON data with the wire's key names, optional fields left out when unset."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class ChatMessage(_Wire):
    role: Literal["system", "user", "assistant"]
    content: Text


class MessagesExample(_Wire):
    messages: Annotated[list[ChatMessage], Field(min_length=1, max_length=40)]


class InputOutputExample(BaseModel):
    """An example exchange as an input and an output, any JSON each (null included)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    input: Any = Field(...)
    output: Any = Field(...)

    @model_serializer(mode="plain")
    def _both_sides(self) -> dict[str, Any]:
        # Both always: a null input or output is part of the example (the wire's exclude_none must not drop it).
        return {"input": self.input, "output": self.output}


def _example(value: Any) -> Any:
    if isinstance(value, dict) and "messages" in value:
        return MessagesExample.model_validate(value)
    return InputOutputExample.model_validate(value)


FewShotExample = Annotated[Union[MessagesExample, InputOutputExample], BeforeValidator(_example)]


class PromptAdjustmentFix(_Wire):
    type: Literal["prompt_adjustment"]
    instructions: Text


class FewShotFix(_Wire):
    """Example exchanges ahead of the conversation. With ``nearest``, ``examples`` is a pool and each
    call gets the ``nearest`` examples whose inputs are most similar to its own (_few_shot.py)."""

    type: Literal["few_shot"]
    examples: Annotated[list[FewShotExample], Field(min_length=1, max_length=_MAX_EXAMPLE_POOL)]
    nearest: Annotated[Integer, Field(ge=1, le=_MAX_EXAMPLES)] | None = None

    @model_validator(mode="after")
    def _pool_only_with_nearest(self) -> FewShotFix:
        if self.nearest is None and len(self.examples) > _MAX_EXAMPLES:
            raise ValueError(f"examples must have at most {_MAX_EXAMPLES} items")
        return self


class CallParams(_Wire):
    """Provider-neutral call parameters; each integration maps them to its own names."""

    temperature: Annotated[Number, Field(ge=0, le=2)] | None = None
    top_p: Annotated[Number, Field(ge=0, le=1)] | None = None
    top_k: Annotated[Integer, Field(ge=1, le=1000)] | None = None
    max_tokens: Annotated[Integer, Field(ge=1, le=1_000_000)] | None = None
    presence_penalty: Annotated[Number, Field(ge=-2, le=2)] | None = None
    frequency_penalty: Annotated[Number, Field(ge=-2, le=2)] | None = None
    seed: Annotated[Integer, Field(ge=-_MAX_SAFE_INTEGER, le=_MAX_SAFE_INTEGER)] | None = None
    stop: Annotated[list[Annotated[str, _text(200)]], Field(min_length=1, max_length=8)] | None = None
    timeout_ms: Annotated[Integer, Field(ge=1, le=600_000)] | None = None
    model: ShortText | None = None

    @model_validator(mode="after")
    def _sets_something(self) -> CallParams:
        if not self.model_fields_set:
            raise ValueError("must set at least one parameter")
        return self


class ParamPatchFix(_Wire):
    type: Literal["param_patch"]
    params: CallParams


class ResponseFormatFix(_Wire):
    type: Literal["response_format"]
    name: Annotated[str, _text(64), Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
    schema_: Annotated[dict[str, Any], Field(alias="schema")]
    strict: Boolean = True


class OutputRepairFix(_Wire):
    type: Literal["output_repair"]
    json_: Annotated[Boolean, Field(alias="json")] = False
    coerce: Boolean = False
    schema_: Annotated[dict[str, Any] | None, Field(alias="schema")] = None

    @model_validator(mode="after")
    def _does_something(self) -> OutputRepairFix:
        if not self.json_ and not self.coerce:
            raise ValueError("json or coerce must be true")
        if self.coerce and self.schema_ is None:
            raise ValueError("schema is required when coerce is true")
        return self


class RetryOn(_Wire):
    categories: Annotated[list[Category], Field(max_length=8)] = []
    statuses: Annotated[list[Annotated[Integer, Field(ge=100, le=599)]], Field(max_length=50)] = []

    @model_validator(mode="after")
    def _names_something(self) -> RetryOn:
        if not self.categories and not self.statuses:
            raise ValueError("must name at least one category or status")
        return self


class RetryPolicyFix(_Wire):
    type: Literal["retry_policy"]
    max_attempts: Annotated[Integer, Field(ge=2, le=10)]
    base_delay_ms: Annotated[Integer, Field(ge=0, le=300_000)]
    max_delay_ms: Annotated[Integer, Field(le=300_000)]
    jitter: Jitter = "full"
    retry_on: RetryOn

    @model_validator(mode="after")
    def _delays_in_order(self) -> RetryPolicyFix:
        if self.max_delay_ms < self.base_delay_ms:
            raise ValueError(f"maxDelayMs must be between {self.base_delay_ms} and 300000")
        return self


SimpleFix = Annotated[
    Union[PromptAdjustmentFix, FewShotFix, ParamPatchFix, ResponseFormatFix, OutputRepairFix, RetryPolicyFix],
    Field(discriminator="type"),
]


class CompositeFix(_Wire):
    type: Literal["composite"]
    fixes: Annotated[list[SimpleFix], Field(min_length=1, max_length=10)]


Fix = Annotated[
    Union[PromptAdjustmentFix, FewShotFix, ParamPatchFix, ResponseFormatFix, OutputRepairFix, RetryPolicyFix, CompositeFix],
    Field(discriminator="type"),
]
AnySimpleFix = Union[PromptAdjustmentFix, FewShotFix, ParamPatchFix, ResponseFormatFix, OutputRepairFix, RetryPolicyFix]


class DeployedFix(_Wire):
    """A fix as the server deploys it (``GET /v1/fixes``); unknown top-level fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    id: ShortText
    version: Annotated[Integer, Field(ge=1, le=_MAX_SAFE_INTEGER)]
    pattern_id: ShortText
    function: ShortText
    fix: Fix
    risk: FixRisk
    confidence: Annotated[Number, Field(ge=0, le=1)]
    canary_share: Annotated[Number, Field(ge=0, le=1)]


def fix_parts(fix: Fix) -> list[AnySimpleFix]:
    """The simple fixes a fix consists of, in application order."""
    return list(fix.fixes) if isinstance(fix, CompositeFix) else [fix]


def risk_of(fix: Fix) -> FixRisk:
    """Core's riskOf without a category: retries and repairs low, model switches high, the rest medium."""
    order = {"low": 0, "medium": 1, "high": 2}
    worst: FixRisk = "low"
    for part in fix_parts(fix):
        if isinstance(part, (RetryPolicyFix, OutputRepairFix)):
            risk: FixRisk = "low"
        elif isinstance(part, ParamPatchFix) and part.params.model is not None:
            risk = "high"
        else:
            risk = "medium"
        if order[risk] > order[worst]:
            worst = risk
    return worst


# How big a fix may be (core's FIX_LIMITS, fix-limits.ts): a deployed fix is applied to every call of
# its function, so its size is a cost each call pays. Sizes count UTF-16 code units of JSON text.
FIX_LIMITS = {
    "max_fix_chars": 128 * 1024,
    "max_examples_chars": 32 * 1024,
    "max_example_pool_chars": 96 * 1024,
    "max_schema_chars": 32 * 1024,
    "max_depth": 32,
}


def _json_chars(value: Any) -> int:
    return js_length(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _too_deep(value: Any, limit: int) -> bool:
    """Whether containers nest deeper than ``limit`` (a top-level container is depth 1); iterative."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False


def fix_limit_problem(fix: Fix, field: str = "fix") -> str | None:
    """The first field of a parsed fix past core's fix limits, with what is wrong; None within them."""
    depth = FIX_LIMITS["max_depth"]
    parts: list[tuple[AnySimpleFix, str]] = (
        [(part, f"{field}.fixes[{i}]") for i, part in enumerate(fix.fixes)] if isinstance(fix, CompositeFix) else [(fix, field)]
    )
    for part, at in parts:
        if isinstance(part, FewShotFix):
            for i, example in enumerate(part.examples):
                if isinstance(example, InputOutputExample):
                    for side in ("input", "output"):
                        if _too_deep(getattr(example, side), depth):
                            return f"{at}.examples[{i}].{side} must hold only JSON data nested at most {depth} deep"
            dumped = [e.model_dump(mode="json") for e in part.examples]
            most = FIX_LIMITS["max_examples_chars" if part.nearest is None else "max_example_pool_chars"]
            size = _json_chars(dumped)
            if size > most:
                return f"{at}.examples must be at most {most} characters as JSON in all (is {size})"
            if part.nearest is not None:
                # What a call gets of a pool at most: its `nearest` largest examples.
                largest = sum(s + 1 for s in sorted((_json_chars(e) for e in dumped), reverse=True)[: part.nearest]) + 1
                if largest > FIX_LIMITS["max_examples_chars"]:
                    return (
                        f"{at}.examples must be at most {FIX_LIMITS['max_examples_chars']} characters as JSON"
                        f" for the {part.nearest} a call gets (is {largest})"
                    )
        schema = part.schema_ if isinstance(part, (ResponseFormatFix, OutputRepairFix)) else None
        if schema is not None:
            if _too_deep(schema, depth):
                return f"{at}.schema must hold only JSON data nested at most {depth} deep"
            size = _json_chars(schema)
            if size > FIX_LIMITS["max_schema_chars"]:
                return f"{at}.schema must be at most {FIX_LIMITS['max_schema_chars']} characters as JSON (is {size})"
    size = _json_chars(fix.model_dump(by_alias=True, exclude_none=True, mode="json"))
    if size > FIX_LIMITS["max_fix_chars"]:
        return f"{field} must be at most {FIX_LIMITS['max_fix_chars']} characters as JSON (is {size})"
    return None


def parse_deployed_fix(value: Any) -> DeployedFix | ValidationError | str:
    """The deployed fix; or why it was refused: pydantic's errors, or the fix limit it is past."""
    try:
        parsed = DeployedFix.model_validate(value)
    except (ValidationError, RecursionError) as error:
        if isinstance(error, RecursionError):
            return "the fix nests too deep to read"
        return error
    problem = fix_limit_problem(parsed.fix, "deployedFix.fix")
    return parsed if problem is None else problem


__all__ = [
    "CallParams",
    "Category",
    "ChatMessage",
    "CompositeFix",
    "DeployedFix",
    "FewShotExample",
    "FewShotFix",
    "Fix",
    "FixRisk",
    "InputOutputExample",
    "MessagesExample",
    "OutputRepairFix",
    "ParamPatchFix",
    "PromptAdjustmentFix",
    "ResponseFormatFix",
    "RetryOn",
    "RetryPolicyFix",
    "FIX_LIMITS",
    "fix_limit_problem",
    "fix_parts",
    "parse_deployed_fix",
    "risk_of",
]
