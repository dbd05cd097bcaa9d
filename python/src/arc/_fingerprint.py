"""Core's failure fingerprint (packages/core/src/fingerprint-failure.ts, normalize-message.ts,
categorize-failure.ts), ported so that the SDK recognises locally which pattern a failure belongs
to, as the TypeScript SDK does: a rescue retry prefers the fix deployed for the failure's own
pattern, and a retry policy covers failures by category. The shared vectors
(packages/core/test-vectors/fingerprints.json) hold the port to core's ids and categories.

The regexes are core's, in the ``regex`` module (variable-width lookbehind, as JavaScript has) with
ASCII semantics for ``\\b``, ``\\d`` and case, and JavaScript's whitespace spelled out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import regex

from ._json_safe import js_length, js_slice
from ._redact import JS_SPACE

_F = regex.ASCII | regex.VERSION0
_FI = _F | regex.IGNORECASE
_S = f"[{JS_SPACE}]"
# JavaScript's trim() set, as characters.
JS_SPACE_CHARS = "\t\n\x0b\x0c\r \xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
_NOT_LINE_END = r"[^\n\r\u2028\u2029]"

MAX_RAW_MESSAGE_LENGTH = 2048
MAX_NORMALIZED_MESSAGE_LENGTH = 512

# ---- categories (categorize-failure.ts) ----

CATEGORIES = (
    "api_schema",
    "auth_failure",
    "parsing_error",
    "timeout",
    "validation",
    "rate_limit",
    "network",
    "wrong_answer",
    "unknown",
)


def _table(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {name: category for category, names in groups.items() for name in names}


_CODE_CATEGORY = _table(
    {
        "timeout": (
            "ETIMEDOUT", "ESOCKETTIMEDOUT", "ECONNABORTED", "ETIME", "UND_ERR_CONNECT_TIMEOUT",
            "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ERR_SOCKET_CONNECTION_TIMEOUT", "ABORT_ERR",
            "TIMEOUT_ERR", "ERR_CANCELED", "57014", "55P03", "-32001",
        ),
        "network": (
            "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "EHOSTDOWN", "ENETUNREACH",
            "ENETDOWN", "EPIPE", "EAI_NONAME", "EPROTO", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "ERR_NETWORK",
            "ERR_STREAM_PREMATURE_CLOSE", "ERR_TLS_CERT_ALTNAME_INVALID", "CERT_HAS_EXPIRED",
            "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN",
            "overloaded_error", "server_error", "57P01", "57P02", "57P03",
        ),
        "auth_failure": (
            "invalid_api_key", "invalid_authentication", "authentication_error", "permission_error",
            "permission_denied", "unauthorized", "invalid_token", "token_expired", "ERR_JWT_EXPIRED",
            "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", "ERR_JWT_CLAIM_VALIDATION_FAILED", "42501",
        ),
        "rate_limit": (
            "rate_limit_exceeded", "rate_limit_error", "insufficient_quota", "too_many_requests",
            "RESOURCE_EXHAUSTED", "ThrottlingException", "53300",
        ),
        "api_schema": (
            "context_length_exceeded", "model_not_found", "unsupported_parameter", "unsupported_value",
            "unknown_parameter", "missing_required_parameter", "-32600", "-32601",
        ),
        "validation": (
            "ERR_INVALID_URL", "invalid_type", "invalid_format", "invalid_value", "invalid_enum_value",
            "invalid_string", "too_small", "too_big", "unrecognized_keys", "-32602",
        ),
        "parsing_error": ("42601", "-32700"),
    }
)
_SQLSTATE_CLASS = {"08": "network", "22": "validation", "23": "validation", "28": "auth_failure", "42": "api_schema"}
_SQLSTATE = regex.compile(r"^\d[0-9A-Z]{4}\Z", _F)

_TYPE_CATEGORY = _table(
    {
        "timeout": (
            "TimeoutError", "AbortError", "APIConnectionTimeoutError", "ConnectTimeoutError", "HeadersTimeoutError",
            "BodyTimeoutError", "RequestTimeoutError", "TimeoutException", "APITimeoutError", "ReadTimeout",
            "WriteTimeout", "PoolTimeout", "ConnectTimeout", "ReadTimeoutError", "ServerTimeoutError",
            "requests.exceptions.Timeout", "CancelledError",
        ),
        "network": (
            "APIConnectionError", "FetchError", "SocketError", "ConnectionError", "NetworkError",
            "InternalServerError", "ServiceUnavailableError", "ConnectionRefusedError", "ConnectionResetError",
            "ConnectionAbortedError", "BrokenPipeError", "ConnectError", "ReadError", "WriteError",
            "RemoteProtocolError", "ChunkedEncodingError", "SSLError", "MaxRetryError", "NewConnectionError",
            "ProtocolError", "ClientConnectorError", "ClientConnectionError", "ClientOSError",
            "ServerDisconnectedError", "gaierror",
        ),
        "auth_failure": (
            "AuthenticationError", "PermissionDeniedError", "UnauthorizedError", "ForbiddenError",
            "TokenExpiredError", "JsonWebTokenError", "NotBeforeError", "JWTExpired",
            "JWSSignatureVerificationFailed", "JWTClaimValidationFailed", "AI_LoadAPIKeyError",
        ),
        "rate_limit": ("RateLimitError", "TooManyRequestsError", "ThrottlingException"),
        "api_schema": (
            "BadRequestError", "AI_InvalidArgumentError", "AI_InvalidPromptError", "AI_NoSuchToolError",
            "AI_NoSuchModelError", "AI_UnsupportedFunctionalityError", "AI_TooManyEmbeddingValuesForCallError",
        ),
        "validation": (
            "ZodError", "ValidationError", "ValidatorError", "AI_TypeValidationError",
            "AI_InvalidToolArgumentsError", "AI_InvalidToolInputError", "ToolInputParsingException",
        ),
        "parsing_error": (
            "SyntaxError", "AI_JSONParseError", "JSONParseError", "OutputParserException", "YAMLException",
            "JSONDecodeError", "YAMLError", "ScannerError", "ParserError", "TOMLDecodeError", "ParseError",
        ),
        # What a verdict's failure is called unless its label names it (core's verdict.ts).
        "wrong_answer": ("WrongAnswer",),
    }
)
_FALLBACK_TYPE_CATEGORY = {"AI_NoObjectGeneratedError": "validation"}
_STATUS_CATEGORY = {
    401: "auth_failure", 403: "auth_failure", 407: "auth_failure", 429: "rate_limit", 408: "timeout",
    504: "timeout", 524: "timeout", 405: "api_schema", 413: "api_schema", 415: "api_schema",
}

_CONTRACT_WORDS = regex.compile(
    r"\bparam(?:eter)?s?\b|\bargument|\bschema\b|context length|maximum context|prompt is too long|\btokens\b|"
    r"unrecognized request|unknown (?:field|key|property|parameter)|tool_calls?\b|tool_use|tool_result|\bmodel\b",
    _FI,
)
_VALUE_WORDS = regex.compile(
    r"\bis required|\brequired\b|must (?:be|have|match|not)|invalid (?:value|format|email|date|input|option)|"
    r"too (?:short|long|small|big)|out of range|not allowed|\bexpected\b|already exists",
    _FI,
)
_STATUS_IN_MESSAGE = regex.compile(
    r"""^([1-5]\d\d)\b|\bstatus(?: ?code|Code)?["']?[:=]? ?([1-5]\d\d)\b|\bHTTP(?:\/\d(?:\.\d)?)? ([1-5]\d\d)\b|\[([1-5]\d\d) [A-Z]""",
    _F,
)
_RATE_LIMIT_WORDS = regex.compile(
    r"rate[ _-]?limit|too many requests|\bquota\b|throttl|tokens per min|requests per min|"
    r"resource (?:has been )?exhausted|too many (?:connections|clients)",
    _FI,
)
_MESSAGE_CATEGORY: tuple[tuple[Any, str], ...] = (
    (
        regex.compile(
            r"\btimed? ?out\b|\btimeout\b|deadline exceeded|\bETIMEDOUT\b|took too long|aborted due to timeout", _FI
        ),
        "timeout",
    ),
    (_RATE_LIMIT_WORDS, "rate_limit"),
    (
        regex.compile(
            r"unauthori[sz]ed|forbidden|\bapi[ _-]?key\b|\bjwt\b|invalid (?:token|signature|credentials)|"
            r"token (?:has )?expired|authenticat|permission denied|access denied|does not have access|"
            r"password authentication failed",
            _FI,
        ),
        "auth_failure",
    ),
    (
        regex.compile(
            r"fetch failed|\bE(?:CONNREFUSED|CONNRESET|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH|PIPE)\b|"
            r"socket hang up|other side closed|network error|connection (?:refused|reset|closed|terminated|error|lost)|"
            r"cannot connect|getaddrinfo|certificate|\bTLS\b|\bSSL\b|bad gateway|service unavailable|overloaded|"
            r"server had an error|terminating connection",
            _FI,
        ),
        "network",
    ),
    (
        regex.compile(
            r"\bJSON\b|[Uu]nexpected (?:token|end of)|[Uu]nterminated|[Cc]ould not parse|[Ff]ailed to parse|"
            r"[Pp]ars(?:e|ing) (?:error|failed)|[Ss]yntax error at",
            _F,
        ),
        "parsing_error",
    ),
    (
        regex.compile(
            r"context length|maximum context|prompt is too long|unrecognized request argument|"
            r"(?:missing|unknown|unsupported|invalid) (?:required )?parameter|invalid schema for|unavailable tool|"
            r"\b(?:relation|column|table|model|function|tool|endpoint|route)\b[^.]{0,60}?\b(?:does not exist|not found)",
            _FI,
        ),
        "api_schema",
    ),
    (
        regex.compile(
            r"validation|did not match|does not match|invalid input|is required|required property|"
            rf"must (?:be|have|match|not)|expected {_NOT_LINE_END}{{1,40}}? received|too (?:small|big|short|long)|"
            r"violates|constraint|out of range|invalid (?:value|format|email|enum|option|type)|"
            r"unrecognized key|already exists",
            _FI,
        ),
        "validation",
    ),
)


def status_from_message(message: str) -> int | None:
    m = _STATUS_IN_MESSAGE.search(message)
    if m is None:
        return None
    return int(next(g for g in m.groups() if g is not None))


def _code_category(code: str) -> str | None:
    listed = _CODE_CATEGORY.get(code)
    if listed is not None:
        return listed
    if _SQLSTATE.match(code):
        return _SQLSTATE_CLASS.get(code[:2])
    return None


def _type_category(error_type: str) -> str | None:
    listed = _TYPE_CATEGORY.get(error_type)
    if listed is not None:
        return listed
    dot = error_type.rfind(".")
    return None if dot < 0 else _TYPE_CATEGORY.get(error_type[dot + 1 :])


def _status_category(status: int, message: str) -> str | None:
    if status in (400, 422):
        if _CONTRACT_WORDS.search(message):
            return "api_schema"
        if _VALUE_WORDS.search(message):
            return "validation"
        return "api_schema" if status == 400 else "validation"
    if status == 403 and _RATE_LIMIT_WORDS.search(message):
        return "rate_limit"
    listed = _STATUS_CATEGORY.get(status)
    if listed is not None:
        return listed
    return "network" if 500 <= status <= 599 else None


def categorize(error_type: str | None, message: str, status: int | None, code: str | None) -> str:
    """The category core's built-in evidence gives (no user rules: those live on the server)."""
    if code is not None:
        found = _code_category(code)
        if found is not None:
            return found
    if error_type is not None:
        found = _type_category(error_type)
        if found is not None:
            return found
    effective = status if status is not None else status_from_message(message)
    if effective is not None:
        found = _status_category(effective, message)
        if found is not None:
            return found
    for pattern, category in _MESSAGE_CATEGORY:
        if pattern.search(message):
            return category
    return (_FALLBACK_TYPE_CATEGORY.get(error_type) if error_type is not None else None) or "unknown"


# ---- message normalisation (normalize-message.ts) ----

_PLACEHOLDERS = ("email", "url", "host", "ip", "trace", "uuid", "id", "hex", "date", "duration", "float", "int", "value", "char")
_MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_WEEKDAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_HEX4 = "[0-9A-Fa-f]{1,4}"
_IPV4 = r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d)"
_IPV6_LAST = f"(?:{_IPV4}|{_HEX4})"
_IPV6 = (
    f"(?:{_HEX4}:){{7}}{_HEX4}|(?:{_HEX4}:){{6}}{_IPV4}|"
    f"(?:{_HEX4}(?::{_HEX4}){{0,6}})?::(?:(?:{_HEX4}:){{0,6}}{_IPV6_LAST})?"
)
_PORT = r"(?::\d{1,5}(?!\d))?"
_TLD = (
    "(?:com|net|org|io|ai|dev|app|co|cloud|gov|edu|mil|us|uk|de|fr|jp|cn|ru|nl|eu|ca|au|br|local|internal|"
    "invalid|example|localdomain)"
)
_MODEL_FAMILY = "(?:gpt|chatgpt|claude|gemini|gemma|llama|mistral|mixtral|codestral|qwen|deepseek|text-embedding)"
_ID_PREFIX = (
    "(?:req|cus|chatcmpl|cmpl|call|msg|msgbatch|toolu|srvtoolu|resp|run|thread|asst|file|batch|step|vs|ft|ftjob|"
    "proj|org|evt|pi|pm|ch|sub|txn|sess|cs|acct|prod|price|inv|ord|conv|job)"
)
_NAME_KEY = regex.compile(
    r"""(?:^|[^A-Za-z0-9_])(?:param(?:eter)?s?|propert(?:y|ies)|fields?|keys?|key\(s\)(?: in object)?|columns?|"""
    r"""arguments?|attributes?|tools?|functions?|options?|headers?|variables?|code|type|message|msg|error|detail|"""
    r"""reason|description|title)["'`]? ?\Z""",
    _FI,
)
_SUBJECT_OF = regex.compile(r"^ (?:is|are|was|were|must|should|has|have|cannot|can't|does|did)(?= |\Z)", _F)
_STATUS_CONTEXT = r"""\bstatus(?: ?code|Code)?["']?[:=]? ?|\bHTTP(?:/\d(?:\.\d)?)? """
_STATUS_CONTEXT_AT_END = regex.compile(f"(?:{_STATUS_CONTEXT})\\Z", _F)
_QUOTE_OPEN = regex.compile(r"""["'(]""")

Replace = Callable[[str, int, str, int], str]


def _to(placeholder: str) -> Replace:
    return lambda match, offset, text, start: placeholder


def _keep(match: str, offset: int, text: str, start: int) -> str:
    return match


def _echo(match: str, offset: int, text: str, start: int) -> str:
    return f"{match[: match.index(':')]}: <value>"


def _status(match: str, offset: int, text: str, start: int) -> str:
    return match if offset == 0 or _STATUS_CONTEXT_AT_END.search(text[start:offset]) else "<int>"


def _quoted(match: str, offset: int, text: str, start: int) -> str:
    found = _QUOTE_OPEN.search(match)
    opening = found.start() if found else 0
    prefix = match[:opening]
    is_name = match[0] == ":" and (
        _NAME_KEY.search(text[max(start, offset - 40) : offset]) is not None
        or _SUBJECT_OF.search(text[offset + len(match) : offset + len(match) + 12]) is not None
    )
    if is_name:
        return f"{prefix}{match[opening]}{_parameterize(match[opening + 1 : -1])}{match[-1]}"
    return f"{prefix}<value>"


# (source, replace, mid_token) in core's order of precedence.
_RULES: tuple[tuple[str, Replace, bool], ...] = (
    (r"\b(?:Text|Value): .+?(?=\.? Error(?: message)?:)", _echo, False),
    (r"\bLLM [Oo]utput: .+", _echo, False),
    (r"""(?=[".])(?<=, )(?:\.\.\.)?".*?"(?:\.\.\.)? is not valid JSON""", _to("<value> is not valid JSON"), False),
    (r"""(?=['A-Za-z0-9])(?<=\bUnexpected token )'?[A-Za-z0-9]'?(?=[ ,])""", _to("<char>"), False),
    (r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", _to("<email>"), False),
    (rf"""\b[A-Za-z][A-Za-z0-9+.-]{{1,15}}://[^{JS_SPACE}"'<>`]*[^{JS_SPACE}"'<>`.,;:!?)\]}}]""", _to("<url>"), False),
    (
        rf"\b(?={_MODEL_FAMILY}|o[1-9])(?![A-Za-z0-9.-]*\.{_TLD}(?![A-Za-z0-9-]))"
        rf"(?:{_MODEL_FAMILY}[A-Za-z0-9]*(?:[-.:][A-Za-z0-9]+)*|o[1-9](?:-[A-Za-z0-9]+)*(?![A-Za-z0-9]|[.:][A-Za-z0-9]))",
        _keep,
        False,
    ),
    (
        rf"(?<![A-Za-z0-9.-])(?:[A-Za-z0-9-]{{1,63}}\.)+{_TLD}(?![A-Za-z0-9-]){_PORT}|\blocalhost{_PORT}\b",
        _to("<host>"),
        False,
    ),
    (
        rf"(?<![A-Za-z0-9.]){_IPV4}{_PORT}(?![A-Za-z0-9]|\.[\d<])|(?<![A-Za-z0-9:])(?:{_IPV6}){_PORT}(?![A-Za-z0-9:]|\.[\d<])"
        rf"|\[(?:{_IPV6})\]{_PORT}",
        _to("<ip>"),
        False,
    ),
    (
        r"(?<![A-Za-z0-9-])(?:00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}|1-[0-9a-f]{8}-[0-9a-f]{24}|[0-9a-f]{32})(?![A-Za-z0-9-])",
        _to("<trace>"),
        False,
    ),
    (
        r"(?<![A-Za-z0-9])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![A-Za-z0-9])",
        _to("<uuid>"),
        False,
    ),
    (
        rf"(?<![A-Za-z0-9_-])(?:(?:sk|pk|rk)-[A-Za-z0-9*_-]{{8,}}|{_ID_PREFIX}[_-](?:(?=[A-Za-z]*[0-9])[A-Za-z0-9]{{4,}}"
        rf"|[A-Za-z0-9]{{12,}})(?![A-Za-z0-9_]))",
        _to("<id>"),
        False,
    ),
    (
        r"(?<![A-Za-z0-9])(?:0[xX][0-9A-Fa-f]+|(?=[A-Fa-f]*[0-9])(?=[0-9]*[A-Fa-f])[0-9A-Fa-f]{8,}|"
        r"(?=[A-Fa-f]*[0-9][A-Fa-f]*[0-9])(?=[0-9]*[A-Fa-f])[0-9A-Fa-f]{4,7})(?![A-Za-z0-9])",
        _to("<hex>"),
        False,
    ),
    (
        "|".join(
            (
                r"(?<![A-Za-z0-9])\d{4}-[01]\d-[0-3]\d(?:[T ][0-2]\d:[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?(?:Z|[+-][0-2]\d:?[0-5]\d)?)?(?![A-Za-z0-9])",
                r"(?<![A-Za-z0-9])\d{8}T\d{6}(?:\.\d+)?Z?(?![A-Za-z0-9])",
                rf"\b{_WEEKDAY} {_MONTH} [0-3]\d \d{{4}} [0-2]\d:[0-5]\d:[0-5]\d GMT[+-]\d{{4}}(?: \([^()]*\))?",
                rf"\b(?:{_WEEKDAY}, )?[0-3]?\d {_MONTH} \d{{4}} [0-2]\d:[0-5]\d(?::[0-5]\d)? (?:[+-]\d{{4}}|GMT|UTC|UT|[ECMP][SD]T)\b",
                rf"(?<![A-Za-z0-9])[0-3]\d/{_MONTH}/\d{{4}}:[0-2]\d:[0-5]\d:[0-5]\d [+-]\d{{4}}",
                rf"\b{_MONTH}\.? [0-3]?\d, \d{{4}}\b",
                r"(?<![A-Za-z0-9:.])[0-2]?\d:[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?: ?[AaPp][Mm])?(?![A-Za-z0-9:])",
            )
        ),
        _to("<date>"),
        False,
    ),
    (
        r"(?<![A-Za-z0-9.])(?:(?:\d+(?:\.\d+)?(?:ms|us|µs|ns|h|m|s))+|\d+(?:\.\d+)? ?(?:milliseconds?|microseconds?|"
        r"nanoseconds?|ms|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?))(?![A-Za-z0-9])",
        _to("<duration>"),
        False,
    ),
    (r"\bHTTP/\d(?:\.\d)?(?![0-9.])", _keep, False),
    (rf"(?=[1-5]\d\d(?![A-Za-z0-9.]))(?<=^|{_STATUS_CONTEXT})[1-5]\d\d", _status, False),
    (r"(?<![A-Za-z0-9])-?\d+(?:,\d{3})*\.\d+(?![A-Za-z0-9])", _to("<float>"), False),
    (r"(?<![A-Za-z0-9])-?\d+(?:,\d{3})*(?![A-Za-z0-9])", _to("<int>"), False),
    (
        rf"""=(?:{_S})?(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\([^()]*\))|(?::(?:{_S})?|\b(?:received|got) )"""
        r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""",
        _quoted,
        True,
    ),
)

_ORDERED = tuple(r for r in _RULES if not r[2]) + tuple(r for r in _RULES if r[2])
_PLAIN_WORD = r"""(?!localhost)[a-z][A-Za-z]+[ ,;!?)\]}'"]"""
_PLACEHOLDER = f"<(?:{'|'.join(_PLACEHOLDERS)})>"
_COMBINED = regex.compile(
    f"(?:(?<![A-Za-z0-9]|{_PLACEHOLDER})(?!{_PLAIN_WORD})(?:{'|'.join(f'({r[0]})' for r in _ORDERED if not r[2])})"
    f"|{'|'.join(f'({r[0]})' for r in _ORDERED if r[2])})(?!{_PLACEHOLDER})",
    _F,
)
_WHOLE_PLACEHOLDER = regex.compile(f"^{_PLACEHOLDER}\\Z", _F)
_WHITESPACE_RUN = regex.compile(f"{_S}+", _F)
_MAX_PASSES = 4


def _scan(text: str) -> tuple[str, bool]:
    previous_end = -1
    previous_whole = True
    rewritten_to = 0
    touching = False
    parts: list[str] = []
    copied = 0
    for m in _COMBINED.finditer(text):
        offset = m.start()
        index = (m.lastindex or 1) - 1
        found = m.group(0)
        replaced = _ORDERED[index][1](found, offset, text, rewritten_to)
        whole = _WHOLE_PLACEHOLDER.match(replaced) is not None
        if offset == previous_end and not (whole and previous_whole):
            touching = True
        previous_end = offset + len(found)
        previous_whole = whole
        if replaced != found:
            rewritten_to = previous_end
        parts.append(text[copied:offset])
        parts.append(replaced)
        copied = previous_end
    parts.append(text[copied:])
    return "".join(parts), touching


def _parameterize(text: str) -> str:
    current = text
    for _ in range(_MAX_PASSES):
        current, touching = _scan(current)
        if not touching:
            break
    return current


def normalize_message(message: str) -> str:
    """Volatile values in an error message replaced by placeholders (core's normalizeMessage)."""
    collapsed = _WHITESPACE_RUN.sub(" ", js_slice(message, MAX_RAW_MESSAGE_LENGTH)).strip(JS_SPACE_CHARS)
    normalized = _parameterize(collapsed)
    if js_length(normalized) <= MAX_NORMALIZED_MESSAGE_LENGTH:
        return normalized
    head = js_slice(normalized, MAX_NORMALIZED_MESSAGE_LENGTH + 1)
    space = head.rfind(" ")
    cut = space if space > MAX_NORMALIZED_MESSAGE_LENGTH / 2 else len(js_slice(normalized, MAX_NORMALIZED_MESSAGE_LENGTH))
    return normalized[:cut].rstrip(JS_SPACE_CHARS)



# ---- the pattern id (fingerprint-failure.ts) ----

_STACK_HEADER = regex.compile(r"^([A-Za-z_$][\w$.]*)(?: \[([A-Za-z0-9_]+)\])?: ?(.*)\Z", _F)


@dataclass(frozen=True)
class Fingerprint:
    pattern_id: str
    category: str
    normalized_message: str


def pattern_id_of(parts: list[Any]) -> str:
    canonical = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return "pat_" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def fingerprint_failure(
    function: str,
    error_type: str | None = None,
    message: str | None = None,
    status: int | None = None,
    code: str | None = None,
    stack: str | None = None,
) -> Fingerprint:
    """The failure's pattern id and category exactly as the server computes them (no user rules)."""
    header = _STACK_HEADER.match(stack.split("\n", 1)[0]) if stack is not None else None
    kind = (error_type if error_type is not None else (header.group(1) if header else None) or "Error").strip(JS_SPACE_CHARS)
    raw = message if message is not None else (header.group(3) if header else None) or ""
    text = js_slice(raw, MAX_RAW_MESSAGE_LENGTH)
    the_code = code if code is not None else (header.group(2) if header else None)
    category = categorize(kind, text, status, the_code)
    normalized = normalize_message(text)
    pattern_id = pattern_id_of([function.strip(JS_SPACE_CHARS), kind, the_code, status, normalized, category])
    return Fingerprint(pattern_id, category, normalized)
