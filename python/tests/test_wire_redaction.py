"""Nothing a host puts in a call leaves the process in clear: a secret in every field of an event, a
verdict, a fix poll and a rollout lease, read off the wire in front of a real ``arc serve``. Names and
ids keep a placeholder keyed by the API key (core's redactIdentifier), the one the server gives them,
so the server still groups, matches and serves them."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest

from arc import ArcClient, ArcConfig
from arc._capture import CaptureOptions, capture_value, describe_error
from arc._redact import redact_identifier

from .conftest import ArcServer, wait_until
from .recording_proxy import RecordingProxy


def _secret() -> str:
    # An OpenAI-shaped key, fresh each run: core's rules find it anywhere a separator sets it apart.
    return f"sk-{secrets.token_hex(16)}"


@pytest.fixture
def proxy(arc_server: ArcServer) -> Iterator[RecordingProxy]:
    recording = RecordingProxy(arc_server.url)
    yield recording
    recording.close()


class ChargeError(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def test_no_secret_in_any_field_of_events_verdicts_fix_polls_or_leases(arc_server: ArcServer, proxy: RecordingProxy) -> None:
    key = arc_server.key("ingest", "read", "worker")
    s = {field: _secret() for field in (
        "function", "agent", "tag_value", "tag_key", "input", "output", "message", "code", "schema", "call_id",
        "label", "verdict_message", "worker", "hidden", "error_type",
    )}  # fmt: skip
    name = f"billing.charge.{s['function']}"
    client = ArcClient(
        ArcConfig(api_key=key, endpoint=proxy.url, agent_id=f"agent/{s['agent']}", flush_interval=60.0, fix_poll_interval=3600.0)
    )
    schema = {"type": "object", "description": f"a charge, never {s['schema']}", "properties": {"password": {"type": "string"}}}

    @client.track(
        name,
        tags={"customer": f"acme {s['tag_value']}", f"region {s['tag_key']}": "eu", "api_key": s["hidden"]},
        output_schema=schema,
        call_id=lambda request_id, card: f"req/{request_id}",
    )
    def charge(request_id: str, card: str) -> dict[str, Any]:
        if request_id == "fails":
            # A class's name is any text the host gave it, as an error's name is in JavaScript.
            declined = type("ChargeError", (ChargeError,), {"__qualname__": f"ChargeError for {s['error_type']}"})
            raise declined(f"card declined for {s['message']}", code=f"declined {s['code']}")
        return {"charged": True, "receipt": f"paid with {s['output']}"}

    with pytest.raises(ChargeError):
        charge("fails", f"token {s['input']}")
    assert charge(s["call_id"], f"token {s['input']}")["charged"] is True
    client.feedback(f"req/{s['call_id']}", 0.0, label=f"wrong {s['label']}", message=f"refund {s['verdict_message']}")
    client.refresh_fixes()
    client.flush()
    worker = client.worker({name: charge}, worker_id=f"worker/{s['worker']}", poll_interval=0.05)
    wait_until(lambda: bool(proxy.sent("/v1/rollouts/lease")), what="a lease request")
    worker.stop(timeout=5.0)
    client.shutdown(timeout=5.0)

    events = [event for exchange in proxy.sent("/v1/events") for event in exchange.json()["events"]]
    verdicts = [item for exchange in proxy.sent("/v1/feedback") for item in exchange.json()["feedback"]]
    assert {e["kind"] for e in events} >= {"failure"} and len(verdicts) == 1
    assert proxy.sent("/v1/fixes") and proxy.sent("/v1/rollouts/lease")
    assert all(200 <= e.status < 300 or e.status == 304 for e in proxy.exchanges), [(e.path, e.status) for e in proxy.exchanges]
    stats = client.stats()
    assert (stats.transport.sent, stats.transport.failed, stats.feedback.sent, stats.feedback.failed) == (len(events), 0, 1, 0)

    wire = "\n".join(f"{e.method} {unquote(e.path)}\n{e.body.decode()}" for e in proxy.exchanges)
    leaked = [field for field, secret in s.items() if secret in wire]
    assert leaked == [], f"in clear on the wire: {leaked}"

    # Names and ids: the keyed placeholder, the same in events, verdicts, fix polls and leases.
    placeholder = redact_identifier(name, key, 256)
    assert placeholder != name and placeholder.startswith("billing.charge.[REDACTED:openai_key#")
    assert {e["function"] for e in events} == {placeholder} and verdicts[0]["function"] == placeholder
    assert {unquote(e.path) for e in proxy.sent("/v1/fixes")} == {f"/v1/fixes?function={placeholder}"}
    assert proxy.sent("/v1/rollouts/lease")[0].json()["functions"] == [placeholder]
    assert proxy.sent("/v1/rollouts/lease")[0].json()["workerId"] == redact_identifier(f"worker/{s['worker']}", key, 200)
    assert {e["agentId"] for e in events} == {verdicts[0]["agentId"]} == {redact_identifier(f"agent/{s['agent']}", key, 200)}
    assert verdicts[0]["callId"] == redact_identifier(f"req/{s['call_id']}", key, 200)
    failure = next(e for e in events if e["kind"] == "failure")
    assert failure["tags"]["api_key"] == "[REDACTED]"
    assert failure["error"]["type"] == "tests.test_wire_redaction.ChargeError for [REDACTED:openai_key]"
    assert failure["outputSchema"]["properties"] == {"password": {"type": "string"}}  # a property name, kept

    # The server took them under the same names: the failure and the wrong answer group as patterns of the function.
    categories = sorted(p["category"] for p in arc_server.patterns(placeholder))
    assert categories == ["unknown", "wrong_answer"]


def test_the_error_type_is_redacted_and_bounded_as_the_typescript_sdk_does_it() -> None:
    # capture-context.test.ts's case: the same secret, the same bound.
    secret = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3i"
    auth_error = type("AuthError", (Exception,), {"__qualname__": f"AuthError for {secret} {'n' * 5000}", "__module__": "__main__"})
    described = describe_error(auth_error("m"), CaptureOptions())
    assert re.fullmatch(r"AuthError for \[REDACTED:openai_key\] n+…\[truncated \d+ chars\]", described["type"]), described["type"]
    assert len(described["type"]) < 300


def test_a_text_or_a_value_is_redacted_before_it_is_cut_so_a_secret_across_the_cut_keeps_no_head() -> None:
    # capture-context.test.ts's case: the same key, the same bounds, the same output.
    key = "sk-proj-Hn3K9xq2LmV8wRtYbZc1NdPe7FgQj5Sa0UoIi6ThGk2Jr"
    described = describe_error(ValueError(f"{'x' * 4080} {key}"), CaptureOptions())
    assert described["message"] == f"{'x' * 4080} [REDACTED:opena…[truncated 6 chars]"
    copy = capture_value({"text": f"{'y' * 8180} {key}"}, CaptureOptions())
    assert copy == {"text": f"{'y' * 8180} [REDACTED:o…[truncated 10 chars]"}


def test_texts_are_cut_in_javascripts_characters_as_the_typescript_sdk_cuts_them() -> None:
    # 5,000 emoji are 10,000 UTF-16 code units: the message keeps 4,096 of them, 2,048 emoji.
    described = describe_error(ValueError("\U0001f600" * 5000), CaptureOptions())
    assert described["message"] == "\U0001f600" * 2048 + "…[truncated 5904 chars]"


def test_a_text_cut_inside_a_surrogate_pair_is_sent_as_the_typescript_sdk_sends_it(arc_server: ArcServer, proxy: RecordingProxy) -> None:
    """The cut keeps half an emoji, as JavaScript's slice does; JSON.stringify writes it as an escape. Written
    as Python encodes it (surrogatepass), it was no UTF-8, and the server kept 3 replacement characters."""
    client = ArcClient(ArcConfig(api_key=arc_server.key("ingest"), endpoint=proxy.url, flush_interval=60.0, fix_poll_interval=3600.0))
    name = f"cut.{secrets.token_hex(4)}"

    @client.track(name)
    def cut(text: str) -> None:
        raise ValueError(text)

    with pytest.raises(ValueError):
        cut("a" * 4095 + "\U0001f600")  # 4,097 UTF-16 units: the cut at 4,096 splits the emoji
    client.flush(timeout=30)
    client.shutdown(timeout=1)
    assert client.stats().transport.sent == 1
    [batch] = proxy.sent("/v1/events")
    [event] = json.loads(batch.body.decode("utf-8"))["events"]  # strict UTF-8, as a server reads it
    assert event["error"]["message"] == "a" * 4095 + "\ud83d…[truncated 1 chars]"
    assert b"\\ud83d\xe2\x80\xa6[truncated" in batch.body
    [pattern] = arc_server.patterns(name)
    status, detail = arc_server.request("GET", f"/v1/patterns/{pattern['id']}")
    assert status == 200 and detail["examples"][0]["error"]["message"] == "a" * 4095 + "\ufffd…[truncated 1 chars]"
