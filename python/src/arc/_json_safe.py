"""Core's bounded JSON-safe copy (packages/core/src/json-safe-copy.ts) for Python values.

JSON values are copied exactly as core copies them (the shared vectors check it): sizes count
UTF-16 code units, as JavaScript string lengths do, and objects list integer-like keys first, as
JavaScript objects do. Python's own types map to what their JSON would be: tuples and sets to
arrays, dataclasses, pydantic models and plain objects to objects of their fields, exceptions to
``{name, message, code, status, stack, cause, errors, ...}``, bytes to a summary, datetimes to ISO
text. Never raises, never mutates its input, never consumes an iterator.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import json
import math
import re
import traceback
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

CIRCULAR_MARKER = "[Circular]"
MAX_DEPTH_MARKER = "[MaxDepth]"
UNREADABLE_MARKER = "[Unreadable]"
MORE_KEYS_KEY = "…"


@dataclass(frozen=True)
class JsonBounds:
    """Limits on a copy; sizes count UTF-16 code units, as core's do."""

    max_string_length: int = 8 * 1024
    max_depth: int = 8
    max_keys: int = 200
    max_items: int = 200
    max_total_size: int = 64 * 1024


DEFAULT_BOUNDS = JsonBounds()

_NEEDS_JSON_ESCAPE = re.compile('["\\\\\x00-\x1f\ud800-\udfff\U00010000-\U0010ffff]')
_SURROGATE = re.compile("[\ud800-\udfff]")
_ARRAY_INDEX = re.compile(r"(?:0|[1-9][0-9]*)\Z")
_MAX_ARRAY_INDEX = 4294967294
_FUNCTION_TYPES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools.partial)


def js_length(text: str) -> int:
    """The string's length in UTF-16 code units (JavaScript's ``length``)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def js_slice(text: str, end: int) -> str:
    """``text.slice(0, end)`` with ``end`` in UTF-16 units."""
    if text.isascii() or js_length(text) <= end:
        return text[:end]
    return _from_units(_units(text)[:end])


def _units(text: str) -> memoryview:
    return memoryview(text.encode("utf-16-le", "surrogatepass")).cast("H")


def _from_units(units: memoryview) -> str:
    return units.tobytes().decode("utf-16-le", "surrogatepass")


def _unit_width(code: int, following: int) -> tuple[int, int]:
    """Characters of JSON text one UTF-16 unit (or pair) takes, and how many units it spans."""
    if code in (0x22, 0x5C, 0x08, 0x09, 0x0A, 0x0C, 0x0D):
        return 2, 1
    if code < 0x20:
        return 6, 1
    if 0xD800 <= code <= 0xDFFF:
        paired = code <= 0xDBFF and 0xDC00 <= following <= 0xDFFF
        return (2, 2) if paired else (6, 1)
    return 1, 1


def json_length(text: str) -> int:
    """Length of ``JSON.stringify(text)`` in UTF-16 code units."""
    if _NEEDS_JSON_ESCAPE.search(text) is None:
        return len(text) + 2
    units = _units(text)
    total = 2
    i = 0
    while i < len(units):
        width, span = _unit_width(units[i], units[i + 1] if i + 1 < len(units) else 0)
        total += width
        i += span
    return total


def js_number_text(value: int | float) -> str:
    """``String(value)`` in JavaScript, for a finite number."""
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("-")
    mantissa, _, exp_text = text.partition("e")
    exponent = int(exp_text) if exp_text else 0
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + exponent if whole != "0" else exponent - (len(fraction) - len(fraction.lstrip("0")))
    digits = digits.rstrip("0") or "0"
    n = point  # the decimal point sits after n digits
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exp = f"e+{e}" if e >= 0 else f"e-{-e}"
    return sign + (digits if k == 1 else digits[0] + "." + digits[1:]) + exp


def _object_keys(keys: list[str]) -> list[str]:
    """Keys in the order JavaScript's Object.keys lists them: array indices first, ascending."""
    indices = [k for k in keys if _ARRAY_INDEX.match(k) and int(k) <= _MAX_ARRAY_INDEX]
    if not indices:
        return keys
    index_set = set(indices)
    return sorted(indices, key=int) + [k for k in keys if k not in index_set]


def _json_key(key: Any) -> str | None:
    """A dict key as json.dumps would write it, or None when it has no JSON form."""
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return js_number_text(key) if math.isfinite(key) else None
    return None


def _error_fields(error: BaseException) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": type(error).__name__, "message": str(error)}
    for name in ("code", "status"):
        value = _read(lambda name=name: getattr(error, name, None))  # type: ignore[misc]
        if value is not None:
            fields[name] = value
    if error.__traceback__ is not None:
        fields["stack"] = _read(lambda: "".join(traceback.format_exception(type(error), error, error.__traceback__)))
    cause = error.__cause__ if error.__cause__ is not None else error.__context__
    if cause is not None:
        fields["cause"] = cause
    grouped = getattr(error, "exceptions", None)
    if isinstance(grouped, (list, tuple)):
        fields["errors"] = list(grouped)
    own = _read(lambda: dict(vars(error)))
    if isinstance(own, dict):
        for key, value in own.items():
            if isinstance(key, str) and not key.startswith("_") and key not in fields:
                fields[key] = value
    return fields


def _read(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except Exception:
        return UNREADABLE_MARKER


def _fields_of(value: Any) -> dict[str, Any] | None:
    """The fields of a dataclass or plain object (public attributes); None for an opaque object."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _read(lambda f=f: getattr(value, f.name)) for f in dataclasses.fields(value)}  # type: ignore[misc]
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict):
        return {k: v for k, v in attributes.items() if isinstance(k, str) and not k.startswith("_")}
    return None


class _Copier:
    def __init__(self, bounds: JsonBounds, before_cut: Callable[[str, int], tuple[str, int]] | None) -> None:
        self.bounds = bounds
        self.before_cut = before_cut
        self.remaining = bounds.max_total_size
        self.ancestors: set[int] = set()

    def copy(self, value: Any, depth: int) -> Any:
        try:
            return self.convert(value, depth)
        except Exception:
            return self.marker(UNREADABLE_MARKER)

    def convert(self, value: Any, depth: int) -> Any:
        if value is None:
            return self.nothing()
        if isinstance(value, str):
            return self.string(str.__str__(value))
        if isinstance(value, bool):
            return self.marker(bool(value))
        if isinstance(value, int):
            return self.marker(int(value))
        if isinstance(value, float):
            if not math.isfinite(value):
                return self.nothing()
            return self.marker(0 if value == 0 else float(value))
        if isinstance(value, enum.Enum):
            return self.copy(value.value, depth)
        if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
            return self.string(value.isoformat())
        if isinstance(value, (bytes, bytearray, memoryview)):
            return self.string(f"[{type(value).__name__}({len(value)} bytes)]")
        if isinstance(value, type):
            return self.string(f"[class {value.__name__}]")
        if isinstance(value, _FUNCTION_TYPES):
            name = getattr(value, "__name__", "")
            return self.string(f"[Function: {name}]" if isinstance(name, str) and name else "[Function]")
        key = id(value)
        if key in self.ancestors:
            return self.marker(CIRCULAR_MARKER)
        if depth >= self.bounds.max_depth:
            return self.marker(MAX_DEPTH_MARKER)
        self.ancestors.add(key)
        try:
            return self.container(value, depth)
        finally:
            self.ancestors.discard(key)

    def container(self, value: Any, depth: int) -> Any:
        if isinstance(value, BaseException):
            fields = _error_fields(value)
            keys = list(fields)
            return self.record(keys, fields.__getitem__, len(keys), depth)
        if isinstance(value, Mapping):
            return self.mapping(value, depth)
        if isinstance(value, (list, tuple)):
            return self.list(value, len(value), depth)
        if isinstance(value, (set, frozenset)):
            return self.list(_first(value, self.bounds.max_items), len(value), depth)
        dump = getattr(type(value), "model_dump", None)
        if callable(dump) and hasattr(type(value), "model_fields"):
            # A pydantic model is copied as what it dumps to, one level deeper, as core copies what
            # toJSON returns: a model that keeps producing fresh objects still meets max_depth.
            return self.copy(dump(value), depth + 1)
        attributes = _fields_of(value)
        if attributes is not None:
            names = list(attributes)
            return self.record(names, attributes.__getitem__, len(names), depth)
        return self.string(f"[{type(value).__name__}]")

    def mapping(self, value: Mapping[Any, Any], depth: int) -> Any:
        limit = max(self.bounds.max_keys, self.bounds.max_items)
        entries = _first(value.items(), limit)
        named = [(_json_key(k), v) for k, v in entries]
        if all(name is not None for name, _ in named):
            kept = {name: item for name, item in named[: self.bounds.max_keys] if name is not None}
            keys = _object_keys(list(kept)) if isinstance(value, dict) else list(kept)
            return self.record(keys, kept.__getitem__, len(value), depth)
        pairs = [[k, v] for k, v in entries[: self.bounds.max_items]]
        return self.list(pairs, len(value), depth)

    def record(self, keys: list[str], read: Callable[[str], Any], total: int, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        self.remaining -= 2
        written = 0
        consumed = 0
        while consumed < len(keys):
            if written >= self.bounds.max_keys or self.remaining <= 0:
                break
            key = keys[consumed]
            item = _read(lambda key=key: read(key))  # type: ignore[misc]
            if written > 0:
                self.remaining -= 1
            safe_key = self.string(key)
            self.remaining -= 1
            out[safe_key] = self.copy(item, depth + 1)
            written += 1
            consumed += 1
        dropped = total - consumed
        if dropped > 0:
            if written > 0:
                self.remaining -= 1
            self.remaining -= json_length(MORE_KEYS_KEY) + 1
            out[MORE_KEYS_KEY] = self.marker(f"[{dropped} more keys]")
        return out

    def list(self, items: Any, total: int, depth: int) -> list[Any]:
        out: list[Any] = []
        self.remaining -= 2
        limit = min(len(items), self.bounds.max_items)
        taken = 0
        while taken < limit and self.remaining > 0:
            if taken > 0:
                self.remaining -= 1
            item = _read(lambda taken=taken: items[taken])  # type: ignore[misc]
            out.append(self.copy(item, depth + 1))
            taken += 1
        if taken < total:
            if taken > 0:
                self.remaining -= 1
            out.append(self.marker(f"…[{total - taken} more]"))
        return out

    def string(self, text: str) -> str:
        """Cut to the length bound and the budget left; a string to be cut is given to ``before_cut``
        (redaction) first and what it returns is cut, its unread rest counted in the cut's marker: cut
        first, a secret across the cut would keep a head too short to be recognised (core's
        BoundedCopier.string)."""
        whole = self.whole(text)
        if whole is not None:
            return whole
        limit = self.bounds.max_string_length
        cut_from, unread = (text, 0) if self.before_cut is None else self.before_cut(text, limit)
        if cut_from != text:
            shorter = self.whole(cut_from)
            if shorter is not None:
                return shorter
        length = js_length(cut_from)
        keep, kept = _fitting_prefix(cut_from, min(length, limit), self.remaining - 2)
        cut: str = self.marker(f"{kept}…[truncated {length - keep + unread} chars]")
        return cut

    def whole(self, text: str) -> str | None:
        """``text`` whole, charged to the budget, if it is within the length bound and the budget left."""
        if js_length(text) > self.bounds.max_string_length:
            return None
        needed = json_length(text)
        if needed > self.remaining:
            return None
        self.remaining -= needed
        return text

    def marker(self, value: Any) -> Any:
        if isinstance(value, str):
            self.remaining -= json_length(value)
        elif isinstance(value, bool):
            self.remaining -= 4 if value else 5
        else:
            self.remaining -= len(js_number_text(value))
        return value

    def nothing(self) -> None:
        self.remaining -= 4
        return None


def _first(items: Any, limit: int) -> list[Any]:
    out: list[Any] = []
    if limit <= 0:
        return out
    for item in items:
        out.append(item)
        if len(out) >= limit:
            break
    return out


def _fitting_prefix(text: str, limit: int, room: int) -> tuple[int, str]:
    """How many leading UTF-16 units (at most ``limit``) fit in ``room`` characters of JSON, and that prefix."""
    if room <= 0:
        return 0, ""
    if _NEEDS_JSON_ESCAPE.search(text) is None:
        keep = min(limit, room)
        return keep, text[:keep]
    units = _units(text)
    used = 0
    i = 0
    while i < limit:
        width, span = _unit_width(units[i], units[i + 1] if i + 1 < len(units) else 0)
        if i + span > limit or used + width > room:
            break
        used += width
        i += span
    return i, _from_units(units[:i])


def to_json_safe(
    value: Any, bounds: JsonBounds = DEFAULT_BOUNDS, before_cut: Callable[[str, int], tuple[str, int]] | None = None
) -> Any:
    """A JSON-safe, bounded copy of anything a function takes or returns (core's toJsonSafe); each
    string too long to be kept whole cut from what ``before_cut`` makes of it and the cut's length
    (a redacted head of it, and how much of it is left unread: Redactor.for_cut)."""
    return _Copier(bounds, before_cut).copy(value, 0)


def dumps(value: Any) -> str:
    """Compact JSON as JavaScript's JSON.stringify writes it (non-ASCII kept)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def wire_json(value: Any) -> bytes:
    """``dumps`` in UTF-8, for the wire. A surrogate left in a text (one of a pair a cut split, as
    JavaScript's slice splits it too) is written as a JSON escape, as JSON.stringify writes it: UTF-8
    has no encoding of it, and a server reads the bytes Python writes for it as 3 other characters."""
    text = dumps(value)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # rare: only then is the text scanned for them
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")
