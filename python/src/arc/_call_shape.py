"""Where the prompt, conversation and parameters of a call live in a function's arguments
(packages/sdk/src/call-shape.ts), so fixes can be applied to any function.

A Python call is read as its bound arguments, by parameter name: ``"messages"`` is the ``messages``
argument, ``"request.messages"`` the ``messages`` key (or attribute) of the ``request`` argument,
``"history.0"`` the first item of ``history``. Writing copies only the containers along the path:
the caller's objects belong to the caller.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ._appliers import NormalizedCall

Arguments = dict[str, Any]
PARAM_NAMES = ("temperature", "topP", "topK", "maxTokens", "presencePenalty", "frequencyPenalty", "seed", "stop", "timeoutMs", "model")


class CallShape(Protocol):
    """Reads a call's arguments as a NormalizedCall and writes a changed call back as new arguments."""

    def get(self, arguments: Arguments) -> NormalizedCall: ...

    def set(self, arguments: Arguments, call: NormalizedCall) -> Arguments: ...


_MISSING = object()


def _read(node: Any, segment: str) -> Any:
    if isinstance(node, Mapping):
        return node.get(segment, _MISSING)
    if isinstance(node, (list, tuple)):
        return node[int(segment)] if segment.isdigit() and int(segment) < len(node) else _MISSING
    if node is None or isinstance(node, (str, int, float, bool)):
        return _MISSING
    return getattr(node, segment, _MISSING)


def _read_path(root: Arguments, segments: tuple[str, ...]) -> Any:
    node: Any = root
    for segment in segments:
        node = _read(node, segment)
        if node is _MISSING:
            return _MISSING
    return node


def _with(node: Any, segment: str, value: Any) -> Any:
    """A shallow copy of ``node`` with ``segment`` set."""
    if isinstance(node, dict):
        return {**node, segment: value}
    if isinstance(node, list):
        out = list(node)
        out[int(segment)] = value
        return out
    if isinstance(node, tuple):
        items = list(node)
        items[int(segment)] = value
        return type(node)(items) if type(node) is tuple else type(node)(*items)
    if node is None or node is _MISSING:
        return [value] if segment == "0" else {segment: value}
    model_copy = getattr(node, "model_copy", None)
    if callable(model_copy):
        return model_copy(update={segment: value})
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return dataclasses.replace(node, **{segment: value})
    out = copy.copy(node)
    setattr(out, segment, value)
    return out


def _write_path(node: Any, segments: tuple[str, ...], value: Any) -> Any:
    if not segments:
        return value
    head, rest = segments[0], segments[1:]
    child = _read(node, head) if node is not _MISSING else _MISSING
    return _with(node, head, _write_path(child, rest, value))


def _split(path: str) -> tuple[str, ...]:
    segments = tuple(path.split("."))
    if any(s == "" or s.startswith("__") for s in segments):
        raise TypeError(f"invalid call shape path '{path}'")
    return segments


def _is_system_message(message: Any) -> bool:
    return isinstance(message, Mapping) and message.get("role") == "system" and isinstance(message.get("content"), str)


@dataclass(frozen=True)
class PathCallShape:
    """A call shape from dotted paths into the arguments; see ``path_call_shape``."""

    system: tuple[str, ...] | None
    messages: tuple[str, ...] | None
    prompt: tuple[str, ...] | None
    response_format: tuple[str, ...] | None
    params: tuple[tuple[str, tuple[str, ...]], ...]

    def get(self, arguments: Arguments) -> NormalizedCall:
        system: str | None = None
        messages: list[Any] | None = None
        prompt: str | None = None
        if self.system is not None:
            value = _read_path(arguments, self.system)
            system = value if isinstance(value, str) else None
        if self.messages is not None:
            value = _read_path(arguments, self.messages)
            if isinstance(value, (list, tuple)):
                listed = list(value)
                if self.system is None and listed and _is_system_message(listed[0]):
                    system = listed[0]["content"]
                    messages = listed[1:]
                else:
                    messages = listed
        if self.prompt is not None:
            value = _read_path(arguments, self.prompt)
            prompt = value if isinstance(value, str) else None
        params: dict[str, Any] = {}
        for key, path in self.params:
            value = _read_path(arguments, path)
            if value is not _MISSING and value is not None:
                params[key] = value
        return NormalizedCall(system=system, messages=messages, prompt=prompt, params=params)

    def set(self, arguments: Arguments, call: NormalizedCall) -> Arguments:
        out: Any = arguments
        system_in_messages = self.system is None and self.messages is not None
        if self.system is not None and call.system is not None:
            out = _write_path(out, self.system, call.system)
        if self.messages is not None and (call.messages is not None or (system_in_messages and call.system is not None)):
            listed = list(call.messages or [])
            if system_in_messages and call.system is not None:
                listed = [{"role": "system", "content": call.system}, *listed]
            out = _write_path(out, self.messages, listed)
        if self.prompt is not None and call.prompt is not None:
            text = call.prompt
            if self.system is None and self.messages is None and call.system is not None:
                text = f"{call.system}\n\n{call.prompt}"
            out = _write_path(out, self.prompt, text)
        if self.response_format is not None and call.response_format is not None:
            out = _write_path(out, self.response_format, call.response_format)
        for key, path in self.params:
            if key in call.params:
                out = _write_path(out, path, call.params[key])
        result: Arguments = out
        return result


def path_call_shape(
    *,
    system: str | None = None,
    messages: str | None = None,
    prompt: str | None = None,
    response_format: str | None = None,
    params: Mapping[str, str] | None = None,
) -> PathCallShape:
    """Where fixes find a call's parts, as dotted paths from parameter names.

    ``params`` maps core's parameter names (``temperature``, ``maxTokens``, ``timeoutMs``, ``model``, ...)
    to paths. A leading system message in ``messages`` counts as the system prompt when no ``system``
    path is given.
    """
    for key in params or {}:
        if key not in PARAM_NAMES:
            raise TypeError(f"unknown call parameter '{key}' (one of {', '.join(PARAM_NAMES)})")
    return PathCallShape(
        system=None if system is None else _split(system),
        messages=None if messages is None else _split(messages),
        prompt=None if prompt is None else _split(prompt),
        response_format=None if response_format is None else _split(response_format),
        params=tuple((key, _split(path)) for key, path in (params or {}).items()),
    )
