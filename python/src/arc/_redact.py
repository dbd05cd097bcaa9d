"""Core's redaction (packages/core/src/redact-secrets.ts, secret-text-scanner.ts, secret-key-names.ts),
ported rule for rule so that what leaves a Python agent is what leaves a TypeScript one.

The shared vectors in packages/core/test-vectors/redaction.json hold both ports to the same outputs;
a rule changed in core without the same change here fails tests/test_redaction_vectors.py.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._json_safe import MAX_DEPTH_MARKER, JsonBounds, js_length, js_slice, to_json_safe

REDACTED = "[REDACTED]"

# JavaScript's \s (what core's regexes mean by it), spelled out: Python's \s differs (\x1c-\x1f, \x85, no \ufeff).
JS_SPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_ASCII_I = re.ASCII | re.IGNORECASE


@dataclass(frozen=True)
class SecretPattern:
    """A caller-given pattern; each non-empty match becomes ``[REDACTED:<name>]``."""

    name: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class RedactOptions:
    """Extra redaction on top of core's rules, which always apply."""

    extra_keys: Sequence[str] = ()
    extra_patterns: Sequence[SecretPattern] = ()
    emails: bool = True


# ---- key names (secret-key-names.ts) ----

_SECRET_NORMALIZED = re.compile(
    r"password|passwd|passphrase|passcode|credential|cookie|"
    r"(?:secrets?|token|authorization|apikeys?|privatekey|secretkey|accesskey|authheader|cardnumber|creditcard)\Z|"
    r"^(?:cc|ccnum|ccnumber)\Z"
)
_SECRET_LAST_WORDS = frozenset({"auth", "pwd", "ssn", "cvv", "cvv2", "cvc", "session"})
_NOT_KEY_CHAR = re.compile(r"[^a-z0-9]")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")


def normalize_key_name(key: str) -> str:
    return _NOT_KEY_CHAR.sub("", key.lower())


def _last_word(key: str) -> str:
    words = _WORD_SPLIT.split(_CAMEL.sub(r"\1 \2", key).lower())
    for word in reversed(words):
        if word:
            return word
    return ""


def is_secret_key_name(key: str, extra_keys: frozenset[str] = frozenset()) -> bool:
    normalized = normalize_key_name(key)
    if normalized == "":
        return False
    return (
        _SECRET_NORMALIZED.search(normalized) is not None
        or _last_word(key) in _SECRET_LAST_WORDS
        or normalized in extra_keys
    )


# ---- text rules (secret-text-scanner.ts) ----

_ASSIGN = r"""(?:["']:|=)[ \t]*\\*["']?"""
_SCHEME = r"(?:[Bb]earer|BEARER|[Bb]asic|BASIC|[Tt]oken)[ \t]+"
_NOT_A_VALUE = re.compile(r"^(?:null|true|false|undefined|none|nil)\Z", _ASCII_I)
_BASE64_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SECRET_NAMES = re.compile(
    r"(?:password|passwd|passphrase|secret|token|api[_-]?key|auth|authorization|cookie|credentials?|"
    r"private[_-]?key|access[_-]?key|session)\Z",
    _ASCII_I,
)
_AWS_SECRET_NAMES = re.compile(r"secret_?access_?key\Z", _ASCII_I)
_HAS_NON_LETTER = re.compile(r"[^A-Za-z]")
# `secret`, `secret key`, `secret_access_key`, `SecretAccessKey`: how an AWS secret key is named.
_AWS_SECRET_WORDS = "(?:[Ss]ecret|SECRET)(?:[ _-]?(?:[Aa]ccess|ACCESS))?(?:[ _-]?(?:[Kk]ey|KEY))?"
# Between the name and the value; no two runs of blanks side by side (see core).
_AWS_SECRET_SEPARATOR = r"""\\*["']?[ \t]*(?:(?:[:=]|is|IS)[ \t]*)?\\*["']?"""
# Exactly 40 base64 characters: a longer run is something else.
_AWS_SECRET_VALUE = "[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
_AWS_BEFORE = re.compile(r"(?:aws|AWS|Aws)[ _-]?\Z")
_RUN_OF_16 = re.compile("[A-Za-z0-9]{16}")
_LOWER = re.compile("[a-z]")
_UPPER = re.compile("[A-Z]")
_LETTER = re.compile("[A-Za-z]")
_DIGIT_OR_BASE64_SIGN = re.compile("[0-9+/]")
_TRAILING_PADDING = re.compile(r"=+\Z")
MIN_SECRET_LENGTH = 6
_LONGEST_NAME = 32  # longer than every name above


def _named_before(names: re.Pattern[str], text: str, at: int) -> bool:
    """Core's lookbehind ``(?<=name\\\\*["']?[ \\t]*)`` at ``at``: each part can only be taken whole."""
    i = at
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i > 0 and text[i - 1] in "\"'":
        i -= 1
    while i > 0 and text[i - 1] == "\\":
        i -= 1
    return names.search(text, max(0, i - _LONGEST_NAME), i) is not None


def _mixes_case(token: str) -> bool:
    """Random base64 mixes cases; snake_case names (``arc_test_4242_default``) do not."""
    return _LOWER.search(token) is not None and _UPPER.search(token) is not None


def _looks_generated(token: str) -> bool:
    """Generated keys mix cases or run letters and digits unbroken; names joined from words do neither."""
    return _mixes_case(token) or _RUN_OF_16.search(token) is not None


def _looks_like_aws_secret(token: str) -> bool:
    return _LETTER.search(token) is not None and _DIGIT_OR_BASE64_SIGN.search(token) is not None


def _has_non_letter(token: str) -> bool:
    return _HAS_NON_LETTER.search(token) is not None


def _decodes_to_user_password(encoded: str) -> bool:
    body = _TRAILING_PADDING.sub("", encoded)
    if len(body) % 4 == 1:
        return False
    bits = 0
    buffer = 0
    colon = False
    for char in body:
        buffer = ((buffer << 6) | _BASE64_DIGITS.find(char)) & 0xFFFF
        bits += 6
        if bits >= 8:
            bits -= 8
            byte = (buffer >> bits) & 0xFF
            if byte < 0x20 or byte == 0x7F:
                return False
            if byte == 0x3A:
                colon = True
    return colon


def _passes_luhn(digits: str) -> bool:
    if digits == "":
        return False
    total = 0
    double = False
    for char in reversed(digits):
        digit = ord(char) - 48
        if digit < 0 or digit > 9:
            return False
        if double:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
        double = not double
    return total % 10 == 0


_EMAIL_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


@dataclass(frozen=True)
class _Rule:
    type: str
    trigger: str
    secret: str
    back: int = 0
    prefix: str = ""
    not_after: re.Pattern[str] | None = None
    starts_back_over: frozenset[str] | None = None
    named_by: re.Pattern[str] | None = None
    # Core's ``(?<=…)`` right before the trigger (``aws `` before ``secret``), matched ending there.
    preceded_by: re.Pattern[str] | None = None
    typed_by: tuple[re.Pattern[str], str] | None = None
    accept: Callable[[str], bool] | None = None
    # A rejected candidate rules out the later ones of this rule that start inside it (see core).
    rejects_inside: bool = False
    email: bool = False
    sticky: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sticky", re.compile(f"({self.prefix})({self.secret})"))


def _assignment_rule(trigger: str) -> _Rule:
    return _Rule(
        type="secret",
        trigger=trigger,
        named_by=_SECRET_NAMES,
        typed_by=(_AWS_SECRET_NAMES, "aws_secret_key"),
        prefix=f"{_ASSIGN}(?:{_SCHEME}|(?!{_SCHEME}))",
        secret=rf"""[^\x00{JS_SPACE}"'\\&,;{{}}\[][^\x00{JS_SPACE}"'\\&,;}}]*""",
        accept=lambda value: _NOT_A_VALUE.match(value) is None,
    )


def _class(chars: str) -> re.Pattern[str]:
    return re.compile(f"[{chars}]")


# What a prefixed key must not follow; `-` and `_` may, as identifiers join their parts with them.
_LETTER_OR_DIGIT = _class("A-Za-z0-9")


_PASSES: tuple[tuple[_Rule, ...], ...] = (
    (
        _Rule(
            type="private_key",
            trigger="BEGIN",
            back=5,
            secret=r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:[^\x00]*?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|[^\x00]*)",
        ),
        _Rule(
            type="anthropic_key",
            trigger="k-",
            back=1,
            not_after=_LETTER_OR_DIGIT,
            secret="sk-ant-[A-Za-z0-9_-]{20,}",
            accept=_looks_generated,
            rejects_inside=True,
        ),
        _Rule(
            type="openai_key",
            trigger="k-",
            back=1,
            not_after=_LETTER_OR_DIGIT,
            secret="sk-[A-Za-z0-9_-]{20,}",
            accept=_looks_generated,
            rejects_inside=True,
        ),
        _Rule(
            type="stripe_key",
            trigger="k_(?:live|test)_",
            back=1,
            not_after=_LETTER_OR_DIGIT,
            secret="[sr]k_(?:live|test)_[A-Za-z0-9]{10,}",
        ),
        _Rule(type="stripe_key", trigger="whsec_", not_after=_LETTER_OR_DIGIT, secret="whsec_[A-Za-z0-9]{20,}"),
        _Rule(
            type="github_token",
            trigger="gh[pousr]_|github_pat_",
            not_after=_LETTER_OR_DIGIT,
            secret="(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})",
            accept=_looks_generated,
            rejects_inside=True,
        ),
        _Rule(
            type="arc_key",
            trigger="arc_",
            not_after=_LETTER_OR_DIGIT,
            secret="arc_[A-Za-z0-9_-]{16,}",
            accept=lambda key: _mixes_case(key[4:]),
            rejects_inside=True,
        ),
        _Rule(type="slack_token", trigger="xox[abprs]-", not_after=_LETTER_OR_DIGIT, secret="xox[abprs]-[A-Za-z0-9-]{10,}"),
        _Rule(
            type="aws_access_key_id",
            trigger="AKIA|ASIA",
            not_after=_LETTER_OR_DIGIT,
            secret="(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])",
        ),
        _Rule(type="google_api_key", trigger="AIza", not_after=_LETTER_OR_DIGIT, secret="AIza[A-Za-z0-9_-]{35}"),
        _Rule(
            type="jwt",
            trigger="yJ",
            back=1,
            not_after=_LETTER_OR_DIGIT,
            # The header alone matches and is rejected, ruling out the `eyJ`s in the rest of its run.
            secret=r"eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)?",
            accept=lambda token: "." in token,
            rejects_inside=True,
        ),
        _Rule(
            type="bearer_token",
            trigger="[Bb]earer|BEARER",
            not_after=_class("A-Za-z"),
            prefix=r"(?:[Bb]earer|BEARER)[ \t]+",
            secret="[A-Za-z0-9._~+/-]{8,}=*",
            accept=_has_non_letter,
        ),
        _Rule(
            type="basic_auth",
            trigger="[Bb]asic|BASIC",
            not_after=_class("A-Za-z"),
            prefix=r"(?:[Bb]asic|BASIC)[ \t]+",
            secret="[A-Za-z0-9+/]{6,}={0,2}",
            accept=_decodes_to_user_password,
        ),
        _Rule(
            type="url_password",
            trigger=r":\/\/",
            prefix=rf""":\/\/[^\x00{JS_SPACE}:/?#@"'<>\\]*:""",
            secret=rf"""[^\x00{JS_SPACE}/?#@"'<>\\]+(?=@)""",
        ),
        _Rule(
            type="cookie",
            trigger="[Cc]ookie|COOKIE",
            prefix=r"""(?:[Cc]ookie|COOKIE)\\*["']?[ \t]*[:=][ \t]*\\*["']?""",
            secret=r"""[^\x00\r\n"'\\]+""",
        ),
        _Rule(
            type="email",
            trigger="@",
            starts_back_over=_EMAIL_LOCAL,
            secret=r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
            email=True,
        ),
    ),
    (
        _Rule(
            type="aws_secret_key",
            trigger="[Ss]ecret|SECRET",
            preceded_by=_AWS_BEFORE,
            prefix=_AWS_SECRET_WORDS + _AWS_SECRET_SEPARATOR,
            secret=_AWS_SECRET_VALUE,
            accept=_looks_like_aws_secret,
        ),
        _Rule(
            type="aws_secret_key",
            trigger="[Ss]ecret|SECRET",
            not_after=_class("A-Za-z"),
            prefix="(?:[Ss]ecret|SECRET)[ _-]?(?:[Aa]ccess|ACCESS)[ _-]?(?:[Kk]ey|KEY)" + _AWS_SECRET_SEPARATOR,
            secret=_AWS_SECRET_VALUE,
            accept=_looks_like_aws_secret,
        ),
    ),
    (
        _Rule(
            type="card_number",
            trigger="[2-6][0-9]{3}[ -]?[0-9]{4}",
            not_after=_class("0-9A-Za-z_.-"),
            secret="[2-6][0-9]{3}[ -]?[0-9]{4}(?:[ -]?[0-9]){5,11}(?![0-9A-Za-z_])",
            accept=lambda candidate: _passes_luhn(candidate.replace(" ", "").replace("-", "")),
        ),
    ),
    (_assignment_rule("="),),
    (_assignment_rule("[\"']:"),),
)


@dataclass(frozen=True)
class _Pass:
    triggers: re.Pattern[str]
    rules_by_group: tuple[tuple[_Rule, ...], ...]


def _compile_pass(rules: Sequence[_Rule]) -> _Pass:
    by_trigger: dict[str, list[_Rule]] = {}
    for rule in rules:
        by_trigger.setdefault(rule.trigger, []).append(rule)
    triggers = list(by_trigger)
    source = triggers[0] if len(triggers) == 1 else "|".join(f"({t})" for t in triggers)
    return _Pass(re.compile(source), tuple(tuple(group) for group in by_trigger.values()))


SecretMarker = Callable[[str, str], str]
"""What replaces a secret, given its type and the secret; it must start with ``[REDACTED`` (core's SecretMarker)."""


def type_marker(type: str, secret: str) -> str:
    return f"[REDACTED:{type}]"


class _Tally:
    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


class SecretTextScanner:
    """Finds and replaces secrets in text, pass by pass, trying a rule only where its trigger fires."""

    def __init__(self, options: RedactOptions) -> None:
        self._passes = tuple(
            _compile_pass([rule for rule in rules if options.emails or not rule.email]) for rules in _PASSES
        )
        self._extra = tuple((p.name, p.pattern) for p in options.extra_patterns)

    @property
    def has_extra_patterns(self) -> bool:
        """Whether caller-given patterns are scanned for too: what they match is not known here."""
        return bool(self._extra)

    def redact(self, text: str, tally: _Tally, mark: SecretMarker = type_marker) -> str:
        out = text if len(text) < MIN_SECRET_LENGTH else self._built_in(text, tally, mark)
        for name, pattern in self._extra:
            out = pattern.sub(functools.partial(self._extra_match, name=name, tally=tally, mark=mark), out)
        return out

    @staticmethod
    def _extra_match(match: re.Match[str], *, name: str, tally: _Tally, mark: SecretMarker) -> str:
        found = match.group(0)
        if found == "" or found.startswith("[REDACTED"):
            return found
        tally.count += 1
        return mark(name, found)

    def _built_in(self, text: str, tally: _Tally, mark: SecretMarker) -> str:
        out = text
        for compiled in self._passes:
            out = self._scan(compiled, out, tally, mark)
        return out

    def _scan(self, compiled: _Pass, text: str, tally: _Tally, mark: SecretMarker) -> str:
        parts: list[str] = []
        copied_to = 0
        position = 0
        triggers = compiled.triggers
        # Where each rule's last rejected candidate ended, for rules whose rejection rules out what starts inside.
        rejected_to: dict[int, int] = {}
        while True:
            hit = triggers.search(text, position)
            if hit is None:
                break
            at = hit.start()
            group = hit.lastindex or 1
            replaced = False
            for rule in compiled.rules_by_group[group - 1]:
                if at - rule.back < rejected_to.get(id(rule), 0):
                    continue
                candidate = self._candidate(rule, text, at, copied_to)
                if candidate is None:
                    continue
                start, end, prefix, secret = candidate
                if secret.startswith("[REDACTED"):
                    continue
                if rule.accept is not None and not rule.accept(secret):
                    if rule.rejects_inside:
                        rejected_to[id(rule)] = end
                    continue
                tally.count += 1
                parts.append(text[copied_to:start])
                parts.append(prefix + mark(self._type_of(rule, text, at), secret))
                copied_to = end
                replaced = True
                break
            position = copied_to if replaced else at + 1
        if copied_to == 0:
            return text
        parts.append(text[copied_to:])
        return "".join(parts)

    @staticmethod
    def _type_of(rule: _Rule, text: str, at: int) -> str:
        if rule.typed_by is None:
            return rule.type
        names, typed = rule.typed_by
        return typed if _named_before(names, text, at) else rule.type

    @staticmethod
    def _candidate(rule: _Rule, text: str, at: int, floor: int) -> tuple[int, int, str, str] | None:
        if rule.named_by is not None and not _named_before(rule.named_by, text, at):
            return None
        if rule.preceded_by is not None and rule.preceded_by.search(text, max(0, at - 4), at) is None:
            return None
        start = at - rule.back
        if start < floor:
            return None
        if rule.starts_back_over is not None:
            while start > floor and text[start - 1] in rule.starts_back_over:
                start -= 1
        if rule.not_after is not None and start > 0 and (start > floor or floor == 0):
            if rule.not_after.match(text[start - 1]):
                return None
        match = rule.sticky.match(text, start)
        if match is None:
            return None
        return start, match.end(), match.group(1), match.group(2)


# ---- values (redact-secrets.ts) ----

_MAX_NESTING = 512
_KEY_CACHE_LIMIT = 10_000
_MARKERS = re.compile(r"\[REDACTED(?::[^\]]*)?\]")
# How far past a cut a long string is read before the read stops at a blank (core's CUT_MARGIN, where
# the reason is given): a secret that starts before the cut is then found as in the whole string.
_CUT_MARGIN = 128
_BLANK = re.compile(r"[ \t\n\r]")


class Redactor:
    """Everything compiled for one option set: the text scanner and a cache of key verdicts."""

    def __init__(self, options: RedactOptions) -> None:
        self._scanner = SecretTextScanner(options)
        self._extra_keys = frozenset(normalize_key_name(k) for k in options.extra_keys)
        self._keys: dict[str, tuple[bool, str, int]] = {}

    def text(self, text: str, mark: SecretMarker = type_marker) -> str:
        return self._scanner.redact(text, _Tally(), mark)

    def value(self, value: Any) -> tuple[Any, int]:
        tally = _Tally()
        return self._copy(value, 0, tally, True), tally.count

    def for_cut(self, text: str, max_length: int) -> tuple[str, int]:
        """Core's redactForCut: ``text`` redacted as far as a cut to ``max_length`` needs (up to the
        first blank _CUT_MARGIN past it; all of it where that would not do), and how many of its UTF-16
        units lie unread past that."""
        reach = max_length + _CUT_MARGIN
        if not self._scanner.has_extra_patterns and js_length(text) > reach:
            blank = _BLANK.search(text, len(js_slice(text, reach)))
            if blank is not None:
                read = text[: blank.end()]
                head = self._scanner.redact(read, _Tally())
                if js_length(head) >= reach:
                    return head, js_length(text) - js_length(read)
        return self._scanner.redact(text, _Tally()), 0

    def bounded(self, value: Any, bounds: JsonBounds) -> Any:
        """Core's redactedJsonSafe: the bounded, redacted copy the SDKs send; a string too long to be
        kept whole is redacted (for_cut) before it is cut, so that a secret across the cut leaves no head."""
        redacted, _ = self.value(to_json_safe(value, bounds, self.for_cut))
        return redacted

    def schema(self, schema: Any) -> Any:
        """Core's redactJsonSchema: keys under secret-sounding names are property names there, so kept."""
        return self._copy(schema, 0, _Tally(), False)

    def _copy(self, value: Any, depth: int, tally: _Tally, hide_secret_keys: bool) -> Any:
        if isinstance(value, str):
            return self._scanner.redact(value, tally)
        if isinstance(value, list):
            if depth >= _MAX_NESTING:
                return MAX_DEPTH_MARKER
            return [self._copy(item, depth + 1, tally, hide_secret_keys) for item in value]
        if isinstance(value, dict):
            if depth >= _MAX_NESTING:
                return MAX_DEPTH_MARKER
            out: dict[str, Any] = {}
            for key, item in value.items():
                secret, text, redactions = self._key(str(key))
                tally.count += redactions
                hidden = secret and hide_secret_keys
                out[text] = _hide(item, tally) if hidden else self._copy(item, depth + 1, tally, hide_secret_keys)
            return out
        return value

    def _key(self, key: str) -> tuple[bool, str, int]:
        verdict = self._keys.get(key)
        if verdict is None:
            tally = _Tally()
            text = self._scanner.redact(key, tally)
            # Judged without secrets and markers, so that a second pass judges the key as the first did.
            judged = _MARKERS.sub(" ", text)
            verdict = (is_secret_key_name(judged, self._extra_keys), text, tally.count)
            if len(self._keys) >= _KEY_CACHE_LIMIT:
                self._keys.clear()
            self._keys[key] = verdict
        return verdict


def _hide(value: Any, tally: _Tally) -> Any:
    if value is None or isinstance(value, bool) or value == REDACTED:
        return value
    tally.count += 1
    return REDACTED


_DEFAULT = Redactor(RedactOptions())


def redactor_for(options: RedactOptions | None) -> Redactor:
    return _DEFAULT if options is None or options == RedactOptions() else Redactor(options)


def redact_secrets(value: Any, options: RedactOptions | None = None) -> tuple[Any, int]:
    """A copy of a JSON value with secrets hidden, and how many were hidden (core's redactSecrets)."""
    return redactor_for(options).value(value)


def redact_text(text: str, options: RedactOptions | None = None) -> str:
    """``text`` with every secret replaced by a typed marker (core's redactText)."""
    return redactor_for(options).text(text)


# Hex digits of a placeholder's hash: 48 bits, and too few for the card rule (13+ digits) to take for a card.
_PLACEHOLDER_HASH_DIGITS = 12


def _utf8(text: str) -> bytes:
    """UTF-8 as JavaScript's TextEncoder writes it: a lone surrogate becomes U+FFFD, a split pair is joined."""
    if text.isascii():
        return text.encode()
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").encode()


def redact_identifiers(texts: Sequence[str], key: str, max_length: int, options: RedactOptions | None = None) -> list[str]:
    """Identifiers (function, agent and worker names, event, call and fix ids) with each secret in them
    replaced by a placeholder that is the same wherever the same secret appears under the same ``key``
    (core's redactIdentifiers): ``evt-[REDACTED:openai_key#3f9a1c2b7d4e]``, an HMAC keyed with ``key``
    (the API key, which the server keys them with too). An identifier its placeholders take past
    ``max_length`` UTF-16 units becomes one placeholder; identifiers without secrets come back as they were.
    """
    redactor = redactor_for(options)
    secret_key = _utf8(key)

    def placeholder(type: str, secret: str) -> str:
        digest = hmac.new(secret_key, _utf8(secret), hashlib.sha256).hexdigest()
        # `#`, not `:`, before the hash: `cookie:` would read as a cookie header to a second pass.
        return f"[REDACTED:{type}#{digest[:_PLACEHOLDER_HASH_DIGITS]}]"

    out: list[str] = []
    for text in texts:
        redacted = redactor.text(text, placeholder)
        if redacted != text and js_length(redacted) > max_length:
            redacted = placeholder("identifier", text)
        out.append(redacted)
    return out


def redact_identifier(text: str, key: str, max_length: int, options: RedactOptions | None = None) -> str:
    """One identifier: redact_identifiers of one."""
    return redact_identifiers([text], key, max_length, options)[0]
