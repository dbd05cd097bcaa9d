"""Arc for the official ``openai`` client (and any OpenAI-compatible server it points at), as the
TypeScript SDK's ``wrapOpenAI`` (packages/sdk/src/openai-wrapper.ts):
``wrap_openai(client, function="support.reply")`` returns the client with ``chat.completions.create``
tracked and fixed; everything else on the client is the client's own. Works with ``OpenAI`` and
``AsyncOpenAI``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .._appliers import NormalizedCall
from .._client import ArcClient, declared_output_schema, default, tracked_name, verify_options
from .._runner import CallRunner, OutputShape, ReturnedCallInfo, RunnerOptions
from .._validators import validator_list

C = TypeVar("C")

_SYSTEM_ROLES = ("system", "developer")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _get(arguments: Mapping[str, Any], key: str) -> Any:
    value = arguments.get(key)
    # The client's NOT_GIVEN / omit sentinels mean "not set".
    return None if value is None or type(value).__name__ in ("NotGiven", "Omit") else value


class OpenAICallShape:
    """Where fixes find the system prompt, conversation and settings in a chat-completions call."""

    def get(self, arguments: dict[str, Any]) -> NormalizedCall:
        messages = list(_get(arguments, "messages") or [])
        first = messages[0] if messages else None
        has_system = isinstance(first, Mapping) and first.get("role") in _SYSTEM_ROLES and isinstance(first.get("content"), str)
        params: dict[str, Any] = {}
        for key, name in (
            ("temperature", "temperature"),
            ("top_p", "topP"),
            ("presence_penalty", "presencePenalty"),
            ("frequency_penalty", "frequencyPenalty"),
            ("seed", "seed"),
        ):
            if _number(_get(arguments, key)):
                params[name] = _get(arguments, key)
        max_tokens = _get(arguments, "max_completion_tokens") or _get(arguments, "max_tokens")
        if _number(max_tokens):
            params["maxTokens"] = max_tokens
        stop = _get(arguments, "stop")
        if stop is not None:
            params["stop"] = [stop] if isinstance(stop, str) else list(stop)
        timeout = _get(arguments, "timeout")
        if _number(timeout):
            params["timeoutMs"] = timeout * 1000
        if _get(arguments, "model") is not None:
            params["model"] = _get(arguments, "model")
        response_format = None
        fmt = _get(arguments, "response_format")
        if isinstance(fmt, Mapping) and fmt.get("type") == "json_schema" and isinstance(fmt.get("json_schema"), Mapping):
            spec = fmt["json_schema"]
            if spec.get("schema") is not None:
                response_format = {"name": spec.get("name"), "schema": spec["schema"], "strict": bool(spec.get("strict", False))}
        return NormalizedCall(
            system=first["content"] if has_system else None,  # type: ignore[index]
            messages=messages[1:] if has_system else messages,
            params=params,
            response_format=response_format,
        )

    def set(self, arguments: dict[str, Any], call: NormalizedCall) -> dict[str, Any]:
        messages = list(_get(arguments, "messages") or [])
        first = messages[0] if messages else None
        # A system prompt goes back with the role it came with ('developer' for reasoning models).
        role = first.get("role") if isinstance(first, Mapping) and first.get("role") in _SYSTEM_ROLES else "system"
        rest = list(call.messages or [])
        out = {**arguments, "messages": rest if call.system is None else [{"role": role, "content": call.system}, *rest]}
        p = call.params
        for name, key in (
            ("temperature", "temperature"),
            ("topP", "top_p"),
            ("presencePenalty", "presence_penalty"),
            ("frequencyPenalty", "frequency_penalty"),
            ("seed", "seed"),
            ("stop", "stop"),
            ("model", "model"),
        ):
            if name in p:
                out[key] = p[name]
        if "maxTokens" in p:
            if _get(arguments, "max_tokens") is not None and _get(arguments, "max_completion_tokens") is None:
                out["max_tokens"] = p["maxTokens"]
            else:
                out["max_completion_tokens"] = p["maxTokens"]
        if "timeoutMs" in p:
            out["timeout"] = p["timeoutMs"] / 1000
        if call.response_format is not None:
            out["response_format"] = {"type": "json_schema", "json_schema": dict(call.response_format)}
        return out


def _content(completion: Any) -> Any:
    choices = getattr(completion, "choices", None) or []
    return (getattr(getattr(choices[0], "message", None), "content", None) or "") if choices else ""


def _with_content(completion: Any, value: Any) -> Any:
    choices = list(getattr(completion, "choices", None) or [])
    if not choices:
        return completion
    content = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    first = choices[0]
    message = first.message.model_copy(update={"content": content})
    return completion.model_copy(update={"choices": [first.model_copy(update={"message": message}), *choices[1:]]})


_CONTENT = OutputShape(get=_content, set=_with_content)


def _parse_json_when_asked(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    fmt = kwargs.get("response_format")
    kind = fmt.get("type") if isinstance(fmt, Mapping) else None
    if kind not in ("json_object", "json_schema") or not isinstance(value, str):
        return value
    return json.loads(value)


class _Override:
    """The target with one attribute replaced; everything else is the target's own."""

    def __init__(self, target: Any, name: str, value: Any) -> None:
        object.__setattr__(self, "_arc_target", target)
        object.__setattr__(self, "_arc_name", name)
        object.__setattr__(self, "_arc_value", value)

    def __getattr__(self, item: str) -> Any:
        if item == object.__getattribute__(self, "_arc_name"):
            return object.__getattribute__(self, "_arc_value")
        return getattr(object.__getattribute__(self, "_arc_target"), item)

    def __setattr__(self, key: str, value: Any) -> None:
        setattr(object.__getattribute__(self, "_arc_target"), key, value)

    def __repr__(self) -> str:
        return f"<arc-tracked {object.__getattribute__(self, '_arc_target')!r}>"


def wrap_openai(
    client: C,
    arc: ArcClient | None = None,
    *,
    function: str,
    validators: Any = None,
    throw_on_invalid: bool = False,
    call_key: Callable[[dict[str, Any]], str] | None = None,
    tags: Mapping[str, str] | None = None,
    output_schema: Any = None,
    call_id: Callable[[dict[str, Any]], str] | None = None,
    verify: Callable[..., Any] | None = None,
    on_call: Callable[[ReturnedCallInfo], Any] | None = None,
) -> C:
    """``client`` with ``chat.completions.create`` tracked as ``function`` and its deployed fixes applied.

    Validators see the first choice's message content (parsed as JSON when a JSON response format
    was asked for). A streamed call is tracked up to the start of its stream. A disabled Arc returns
    the client itself. As with ``arc.track``: ``call_id`` names each call for ``arc.feedback`` (given
    the call's keyword arguments); ``verify`` scores each answer's content that passed the validators
    (``(content)`` or ``(content, arguments)``; not streams); ``on_call`` is told of each call that returned.
    """
    owner = arc if arc is not None else default.get()
    rt = owner.runtime
    if rt is None:
        return client
    tracked = tracked_name(function, rt.capture)
    for name, option in (("call_id", call_id), ("on_call", on_call)):
        if option is not None and not callable(option):
            raise TypeError(f"wrap_openai: {name} must be callable")
    verifying = verify_options(verify, "wrap_openai")
    completions = client.chat.completions  # type: ignore[attr-defined]
    create = completions.create
    shared: dict[str, Any] = {
        "call_shape": OpenAICallShape(),
        "call_key": (lambda *a, **kw: call_key(kw)) if call_key is not None else None,
        "tags": dict(tags or {}),
        "output_schema": declared_output_schema(output_schema, "wrap_openai", rt.capture),
        "call_id": (lambda *a, **kw: call_id(kw)) if call_id is not None else None,
        "on_call": on_call,
    }
    complete = CallRunner(
        rt,
        tracked,
        create,
        RunnerOptions(
            validators=validator_list(validators),
            throw_on_invalid=throw_on_invalid,
            output=_CONTENT,
            parse=_parse_json_when_asked,
            **verifying,
            **shared,
        ),
    )
    stream = CallRunner(rt, tracked, create, RunnerOptions(output_stage=False, **shared))
    is_async = inspect.iscoroutinefunction(inspect.unwrap(create)) or type(client).__name__.startswith("Async")

    if is_async:

        async def tracked_create(*args: Any, **kwargs: Any) -> Any:
            runner = stream if kwargs.get("stream") is True else complete
            return await runner.run_async(args, kwargs)

        replacement: Any = tracked_create
    else:

        def tracked_create_sync(*args: Any, **kwargs: Any) -> Any:
            runner = stream if kwargs.get("stream") is True else complete
            return runner.run(args, kwargs)

        replacement = tracked_create_sync
    chat = _Override(client.chat, "completions", _Override(completions, "create", replacement))  # type: ignore[attr-defined]
    return _Override(client, "chat", chat)  # type: ignore[return-value]
