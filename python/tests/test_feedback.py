"""Verdicts on calls that returned, against a real ``arc serve``: ``arc.feedback`` after the fact and
track's ``verify`` in-line make wrong answers the server groups as ``wrong_answer`` patterns, with
the call's replayable input; nothing a verifier does reaches the host."""

from __future__ import annotations

import asyncio
import secrets
import threading
from typing import Any

import pytest

import arc
from arc import ArcClient, ArcConfig, FeedbackSettings, ReturnedCallInfo, Verdict

from .conftest import ArcServer, wait_until


def _client(server: ArcServer, key: str, **overrides: Any) -> ArcClient:
    config: dict[str, Any] = dict(api_key=key, endpoint=server.url, agent_id="pytest-agent", flush_interval=60.0, fixes=False)
    return ArcClient(ArcConfig(**{**config, **overrides}))


def _name(prefix: str) -> str:
    return f"{prefix}.{secrets.token_hex(4)}"


def _pattern(server: ArcServer, function: str) -> dict[str, Any]:
    patterns = server.patterns(function)
    assert len(patterns) == 1, patterns
    status, detail = server.request("GET", f"/v1/patterns/{patterns[0]['id']}")
    assert status == 200, detail
    return detail  # type: ignore[no-any-return]


def test_a_wrong_verdict_on_a_named_call_becomes_a_wrong_answer_pattern_with_its_input(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key)
    name = _name("weather.answer")

    @client.track(name, call_id=lambda request_id, city: request_id)
    def answer(request_id: str, city: str) -> dict[str, Any]:
        return {"temperature": 68, "unit": "fahrenheit"}

    result = answer("req-1", "Paris")
    assert result == {"temperature": 68, "unit": "fahrenheit"}
    client.feedback("req-1", 0.0, label="wrong_unit", message="expected unit 'celsius', got 'fahrenheit'")
    client.feedback("req-1", 0.0)  # one verdict per call: the call is forgotten once judged
    client.feedback("req-unknown", 0.0)
    client.feedback("req-1", 1.5)  # no verdict: a score past [0, 1]
    client.flush()
    stats = client.stats()
    assert (stats.feedback.sent, stats.feedback.unmatched, stats.feedback.invalid) == (1, 2, 1)
    assert stats.functions[name].wrong_answers == 1
    detail = _pattern(arc_server, name)
    assert detail["category"] == "wrong_answer" and detail["errorType"] == "wrong_unit"
    assert detail["normalizedMessage"] == "expected unit 'celsius', got <value>"
    example = detail["examples"][0]
    # What rollouts replay: the call's arguments by name, as its events record them.
    assert example["input"] == {"request_id": "req-1", "city": "Paris"}
    assert example["output"] == {"temperature": 68, "unit": "fahrenheit"}
    client.shutdown(timeout=5.0)


def test_generated_ids_reach_on_call_and_a_right_verdict_makes_no_failure(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key)
    name = _name("support.reply")
    told: list[ReturnedCallInfo] = []

    @client.track(name, on_call=told.append)
    def answer(question: str) -> str:
        return f"re: {question}"

    assert answer("refund?") == "re: refund?"
    assert answer("invoice?") == "re: invoice?"
    assert [t.args for t in told] == [("refund?",), ("invoice?",)] and told[1].output == "re: invoice?"
    assert told[0].call_id != told[1].call_id
    client.feedback(told[0].call_id, Verdict(score=0.9))
    client.feedback(told[1].call_id, False)
    client.flush()
    assert client.stats().feedback.sent == 2
    assert client.stats().functions[name].wrong_answers == 1
    detail = _pattern(arc_server, name)
    assert detail["errorType"] == "WrongAnswer"
    assert [e["input"] for e in detail["examples"]] == [{"question": "invoice?"}]
    client.shutdown(timeout=5.0)


def test_verdicts_are_redacted_and_judged_by_the_configured_threshold(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key, feedback=FeedbackSettings(threshold=0.8))
    name = _name("crm.lookup")
    told: list[ReturnedCallInfo] = []

    @client.track(name, on_call=told.append)
    def lookup(email: str) -> dict[str, str]:
        return {"owner": email}

    lookup("jane.doe@example.com")
    client.feedback(told[0].call_id, 0.7, message="owner jane.doe@example.com is wrong, password=hunter2hunter2")
    client.flush()
    detail = _pattern(arc_server, name)  # 0.7 is below this Arc's threshold: a wrong answer
    example = detail["examples"][0]
    assert "jane.doe" not in str(example) and "hunter2" not in str(example)
    assert "[REDACTED" in example["error"]["message"] and "[REDACTED" in example["input"]["email"]
    client.shutdown(timeout=5.0)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_verify_scores_what_validators_check_off_the_call_path(arc_server: ArcServer, ingest_key: str, kind: str) -> None:
    client = _client(arc_server, ingest_key)
    name = _name(f"units.{kind}")
    judged: list[tuple[Any, dict[str, Any]]] = []

    def verify_sync(output: Any, arguments: dict[str, Any]) -> Verdict:
        judged.append((output, arguments))
        return Verdict(0.0 if output["unit"] != "celsius" else 1.0, "wrong_unit", f"expected unit 'celsius', got '{output['unit']}'")

    async def verify_async(output: Any, arguments: dict[str, Any]) -> Verdict:
        await asyncio.sleep(0)
        return verify_sync(output, arguments)

    def parse(text: str) -> dict[str, Any]:
        return {"unit": text}

    def forecast(city: str) -> str:
        return "fahrenheit" if city == "Paris" else "celsius"

    async def forecast_async(city: str) -> str:
        return forecast(city)

    if kind == "sync":
        tracked = client.track(name, parse=parse, verify=verify_sync)(forecast)
        assert tracked("Paris") == "fahrenheit" and tracked("Oslo") == "celsius"
    else:
        tracked_async = client.track(name, parse=parse, verify=verify_async)(forecast_async)

        async def both() -> None:
            assert await tracked_async("Paris") == "fahrenheit" and await tracked_async("Oslo") == "celsius"
            await asyncio.sleep(0.05)  # the loop runs the verifier's tasks; the condition below is what is waited on

        asyncio.run(both())
    wait_until(lambda: client.stats().feedback.queued + client.stats().feedback.sent == 2, what="both verdicts queued")
    client.flush()
    assert sorted(o["unit"] for o, _ in judged) == ["celsius", "fahrenheit"]
    assert {a["city"] for _, a in judged} == {"Paris", "Oslo"}
    stats = client.stats()
    assert stats.functions[name].wrong_answers == 1 and stats.functions[name].successes == 2
    # A verified call's example travels with its verdict, never as a success event.
    assert stats.functions[name].sampled_successes == 0
    detail = _pattern(arc_server, name)
    assert detail["errorType"] == "wrong_unit" and detail["examples"][0]["input"] == {"city": "Paris"}
    client.shutdown(timeout=5.0)


def test_a_raising_hanging_or_garbled_verify_never_reaches_the_host(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key, feedback=FeedbackSettings(verify_timeout=0.2))
    release = threading.Event()
    verifiers: dict[str, Any] = {
        "raises": lambda output: 1 / 0,
        "hangs": lambda output: release.wait(),
        "garbage": lambda output: "looks fine to me",
        "nan": lambda output: float("nan"),
        "async-hangs": lambda output: asyncio.sleep(3600),
    }
    names = {}
    for kind, verify in verifiers.items():
        names[kind] = _name(f"host.{kind}")

        @client.track(names[kind], verify=verify)
        def double(x: int) -> int:
            return x * 2

        assert double(21) == 42
    try:
        wait_until(
            lambda: all(client.stats().functions[n].verify_failures == 1 for n in names.values()), what="every verify counted as failed"
        )
    finally:
        release.set()
    stats = client.stats()
    assert all(stats.functions[n].successes == 1 and stats.functions[n].wrong_answers == 0 for n in names.values())
    assert stats.feedback.queued == 0 and stats.feedback.sent == 0 and stats.internal_errors == 0
    client.shutdown(timeout=5.0)


def test_verifies_of_async_calls_waiting_for_an_answer_are_bounded(arc_server: ArcServer, ingest_key: str) -> None:
    from arc._verify import _MAX_BACKLOG

    client = _client(arc_server, ingest_key)
    asked: list[int] = []

    async def never_answers(output: int) -> float:
        # Never answers within the (default) 30 s: each run holds its call's input and output meanwhile.
        asked.append(output)
        await asyncio.sleep(3600)
        return 1.0

    name = _name("judged")

    @client.track(name, verify=never_answers)
    async def judged(x: int) -> int:
        return x

    async def main() -> None:
        for i in range(_MAX_BACKLOG + 5):
            assert await judged(i) == i
        # Those past the bound were never started, and are counted at once.
        assert client.stats().functions[name].verify_failures == 5
        for _ in range(1000):
            if len(asked) >= _MAX_BACKLOG:
                break
            await asyncio.sleep(0.01)  # the verifier tasks start
        assert len(asked) == _MAX_BACKLOG

    asyncio.run(main())
    client.shutdown(timeout=5.0)


def test_track_refuses_options_that_are_not_callable_and_a_disabled_client_ignores_feedback() -> None:
    client = ArcClient(ArcConfig(disabled=True))
    options: dict[str, Any] = {"verify": "yes"}
    with pytest.raises(TypeError, match="verify"):
        client.track(**options)(print)
    options = {"call_id": "req-1"}
    with pytest.raises(TypeError, match="call_id"):
        client.track(**options)(print)
    client.feedback("anything", 0.0)
    assert client.stats().feedback.sent == 0
    with pytest.raises(TypeError, match="recent_calls"):
        ArcClient(ArcConfig(api_key="k", endpoint="http://127.0.0.1:9", feedback=FeedbackSettings(recent_calls=-1)))


def test_call_id_that_raises_or_names_nothing_falls_back_to_a_generated_id(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key, feedback=FeedbackSettings(recent_calls=2))
    told: list[ReturnedCallInfo] = []
    names = iter(["", None, "named"])

    def call_id(x: int) -> Any:
        if x == 0:
            raise RuntimeError("no request id")
        return next(names)

    name = _name("ids")

    @client.track(name, call_id=call_id, on_call=told.append)
    def tracked(x: int) -> int:
        return x
    for x in range(4):
        tracked(x)
    assert told[3].call_id == "named" and len({t.call_id for t in told}) == 4
    assert client.stats().internal_errors == 2  # the raise and the empty name; None is "no name"
    client.feedback(told[0].call_id, 0.0)  # forgotten: only the last 2 calls are kept
    client.feedback(told[3].call_id, 0.0)
    assert client.stats().feedback.unmatched == 1 and client.stats().functions[name].wrong_answers == 1
    client.shutdown(timeout=5.0)


def test_the_module_level_feedback_uses_the_default_client(arc_server: ArcServer, ingest_key: str) -> None:
    client = arc.configure(ArcConfig(api_key=ingest_key, endpoint=arc_server.url, flush_interval=60.0, fixes=False))
    told: list[ReturnedCallInfo] = []

    @arc.track_failures(_name("module"), on_call=told.append)
    def tracked(x: int) -> int:
        return x
    tracked(1)
    arc.feedback(told[0].call_id, 0.2, "off_by_one")
    arc.flush()
    assert client.stats().feedback.sent == 1
    client.shutdown(timeout=5.0)
