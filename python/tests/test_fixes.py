"""Deployed fixes: fetched from a real ``arc serve`` with ETags, applied as the TypeScript SDK applies
them, with canary arms, rescue retries and retry policies bounded the same way."""

from __future__ import annotations

import asyncio
import json
import random
import secrets
from collections.abc import Sequence
from typing import Any

import pytest

from arc import ArcClient, ArcConfig, RetrySettings, path_call_shape
from arc._appliers import NormalizedCall, apply_call_fixes, coerce_to_schema, repair_output
from arc._canary import canary_arm
from arc._capture import CallCounters, CaptureOptions, Event
from arc._runner import CallRunner, RunnerOptions, Runtime
from arc._validators import validator_list
from arc.fixes import DeployedFix, OutputRepairFix

from .conftest import ArcServer


def deployed(fix: dict[str, Any], *, fix_id: str = "fix_1", share: float = 1.0, confidence: float = 0.9, pattern: str = "pat_x") -> DeployedFix:
    return DeployedFix.model_validate(
        {"id": fix_id, "version": 1, "patternId": pattern, "function": "f", "fix": fix, "risk": "low", "confidence": confidence, "canaryShare": share}
    )


class Harness:
    """A runtime over fixed deployed fixes that keeps what would be sent."""

    def __init__(self, fixes: Sequence[DeployedFix], retry: RetrySettings | None = None) -> None:
        self.events: list[Event] = []
        self.internal: list[BaseException] = []
        self.counters = CallCounters()
        self.fixes = tuple(fixes)
        self.runtime = Runtime(
            capture=CaptureOptions(),
            success_sample_rate=1.0,
            random=random.Random(7).random,
            retry=retry or RetrySettings(),
            counters=self.counters,
            send=self.events.append,
            watch=lambda name: None,
            fixes_for=lambda name: self.fixes,
            internal_error=self.internal.append,
        )

    def runner(self, fn: Any, **options: Any) -> CallRunner:
        if "validators" in options:
            options["validators"] = validator_list(options["validators"])
        return CallRunner(self.runtime, "f", fn, RunnerOptions(**options))


REPAIR = {"type": "output_repair", "json": True}
PARSE = {"parse": lambda value, args, kwargs: json.loads(value)}


def test_fixes_are_fetched_with_etags_and_applied(arc_server: ArcServer) -> None:
    key = arc_server.key("ingest", "read")
    name = f"answer.{secrets.token_hex(4)}"
    client = ArcClient(ArcConfig(api_key=key, endpoint=arc_server.url, flush_interval=60.0, fix_poll_interval=3600.0))
    treated = ["first call"]

    @client.track(name, parse=json.loads, call_key=lambda text: treated[0])
    def answer(text: str) -> str:
        return text

    assert answer("{'total': 12,}") == "{'total': 12,}"  # a parse failure: reported, text returned
    client.flush()
    arc_server.set_canary_share(0.5)
    fix_id = arc_server.deploy(name, REPAIR)
    # A canary: this call key is one that its treatment arm holds.
    treated[0] = next(k for k in (f"user-{i}" for i in range(100)) if canary_arm(fix_id, k, 0.5) == "treatment")
    client.refresh_fixes()
    [fix] = client.fixes_for(name)
    assert fix.id == fix_id and isinstance(fix.fix, OutputRepairFix)
    client.refresh_fixes()
    stats = client.stats().fixes
    assert stats is not None and stats.not_modified >= 1 and stats.invalid_fixes == 0
    assert json.loads(answer("{'total': 12,}")) == {"total": 12}  # repaired before parsing, and returned repaired
    client.shutdown(timeout=5.0)
    assert client.stats().functions[name].successes == 1


def test_canary_arms_decide_which_calls_get_a_fix() -> None:
    harness = Harness([deployed({"type": "prompt_adjustment", "instructions": "Answer in JSON."}, share=0.5)])
    seen: list[str | None] = []

    def chat(user: str, messages: list[dict[str, str]]) -> str:
        seen.append(messages[0]["content"] if messages[0]["role"] == "system" else None)
        return "ok"

    runner = harness.runner(chat, call_shape=path_call_shape(messages="messages"), call_key=lambda user, messages: user)
    users = [f"user-{i}" for i in range(40)]
    for user in users + users:
        original = [{"role": "user", "content": "hi"}]
        runner.run((user, original), {})
        assert original == [{"role": "user", "content": "hi"}]  # the caller's list is never changed
    expected = ["Answer in JSON." if canary_arm("fix_1", u, 0.5) == "treatment" else None for u in users]
    assert seen == expected + expected
    assert 0 < expected.count(None) < len(users)
    arms = [e["tags"]["canary"] for e in harness.events[:40]]
    assert arms == ["treatment" if x else "control" for x in expected]
    assert all(e["tags"]["canaryFixIds"] == "fix_1" for e in harness.events)
    assert all(e.get("fixIds") == (["fix_1"] if x else None) for e, x in zip(harness.events, expected + expected))


def test_a_canarys_treatment_gets_its_fix_in_place_of_the_one_promoted_for_its_pattern() -> None:
    old = deployed({"type": "prompt_adjustment", "instructions": "Old."}, fix_id="fix_old")
    other = deployed({"type": "param_patch", "params": {"temperature": 0}}, fix_id="fix_other", pattern="pat_y")
    new = deployed({"type": "prompt_adjustment", "instructions": "Answer in JSON."}, fix_id="fix_new", share=0.5)
    harness = Harness([old, other, new])
    seen: list[tuple[str, Any]] = []

    def chat(user: str, messages: list[dict[str, str]], temperature: float = 1) -> str:
        seen.append((messages[0]["content"], temperature))
        return "ok"

    shape = path_call_shape(messages="messages", params={"temperature": "temperature"})
    runner = harness.runner(chat, call_shape=shape, call_key=lambda user, messages: user)
    users = [f"user-{i}" for i in range(20)]
    for user in users:
        runner.run((user, [{"role": "user", "content": "hi"}]), {})
    treated = [canary_arm("fix_new", u, 0.5) == "treatment" for u in users]
    assert 0 < sum(treated) < len(users)
    assert seen == [("Answer in JSON." if t else "Old.", 0) for t in treated]
    assert [e.get("fixIds") for e in harness.events] == [
        ["fix_other", "fix_new"] if t else ["fix_old", "fix_other"] for t in treated
    ]


def test_a_canarys_treatment_call_is_never_rescued_with_the_promoted_fix_it_replaces() -> None:
    old = deployed(REPAIR, fix_id="fix_old", confidence=0.99)
    policy = {"type": "retry_policy", "maxAttempts": 2, "baseDelayMs": 1, "maxDelayMs": 1, "retryOn": {"categories": ["timeout"]}}
    new = deployed(policy, fix_id="fix_new", share=0.999)
    harness = Harness([old, new])
    user = next(u for u in (f"user-{i}" for i in range(100)) if canary_arm("fix_new", u, 0.999) == "treatment")
    runner = harness.runner(lambda user, text: text, call_key=lambda user, text: user, **PARSE)
    runner.run((user, "{'a': 1,}"), {})
    assert [(e["kind"], e["attempt"], e.get("fixIds")) for e in harness.events] == [("failure", 1, ["fix_new"])]


def test_a_failed_call_is_rescued_once_with_a_fix_promoted_while_it_ran() -> None:
    harness = Harness([])
    promoted = [deployed(REPAIR, fix_id="fix_low", confidence=0.5), deployed(REPAIR, fix_id="fix_sure", confidence=0.95)]

    def answer(text: str) -> str:
        harness.fixes = tuple(promoted)  # the fix cache learns of them while the call runs
        return text

    assert harness.runner(answer, **PARSE).run(("{'a': 1,}",), {}) == '{"a": 1}'
    first, second = harness.events
    assert first["kind"] == "failure" and "tags" not in first
    assert second["kind"] == "success" and second["attempt"] == 2
    assert second["tags"]["rescueFixId"] == "fix_sure" and second["fixIds"] == ["fix_sure"]
    assert harness.counters.snapshot()["f"].retries == 1


def test_a_calls_arm_decides_every_fix_it_gets_retries_included() -> None:
    canary = deployed(REPAIR, fix_id="fix_canary", confidence=0.99, share=0.5)
    harness = Harness([canary])
    runner = harness.runner(lambda user, text: text, call_key=lambda user, text: user, **PARSE)
    users = [f"user-{i}" for i in range(20)]
    for user in users:
        runner.run((user, "{'a': 1,}"), {})
    for user, event in zip(users, harness.events):
        arm = canary_arm("fix_canary", user, 0.5)
        assert event["tags"]["canary"] == arm and event["tags"]["canaryAttempt"] == "final"
        # A control call fails without the canary's fix and is never rescued with it.
        assert event["kind"] == ("success" if arm == "treatment" else "failure")
        assert event["attempt"] == 1 and "rescueFixId" not in event["tags"]
    assert harness.counters.snapshot()["f"].retries == 0


async def test_a_canary_calls_retried_attempts_say_so_and_its_last_is_final() -> None:
    policy = {"type": "retry_policy", "maxAttempts": 3, "baseDelayMs": 1, "maxDelayMs": 1, "retryOn": {"categories": ["timeout"]}}
    harness = Harness([deployed(policy, share=0.99)])
    calls = 0

    async def flaky(user: str) -> str:
        nonlocal calls
        calls += 1
        if calls < 2:
            raise TimeoutError("timed out")
        return "ok"

    user = next(u for u in (f"u{i}" for i in range(100)) if canary_arm("fix_1", u, 0.99) == "treatment")
    assert await harness.runner(flaky, call_key=lambda u: u).run_async((user,), {}) == "ok"
    assert [(e["kind"], e["tags"]["canaryAttempt"]) for e in harness.events] == [("failure", "retried"), ("success", "final")]


def test_a_rescue_prefers_the_fix_for_the_failures_own_pattern() -> None:
    from arc._fingerprint import fingerprint_failure

    message = "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    own = fingerprint_failure("f", error_type="json.decoder.JSONDecodeError", message=message).pattern_id
    harness = Harness([])
    promoted = (
        deployed(REPAIR, fix_id="fix_other", confidence=0.99, pattern="pat_other"),
        deployed(REPAIR, fix_id="fix_own", confidence=0.85, pattern=own),
    )

    def answer(text: str) -> str:
        harness.fixes = promoted
        return text

    harness.runner(answer, **PARSE).run(("{'a': 1}",), {})
    assert harness.events[-1]["tags"]["rescueFixId"] == "fix_own"


async def test_retry_policies_retry_async_calls_with_backoff_within_the_bounds() -> None:
    policy = {"type": "retry_policy", "maxAttempts": 10, "baseDelayMs": 1, "maxDelayMs": 2, "retryOn": {"categories": ["timeout"]}}
    harness = Harness([deployed(policy)], retry=RetrySettings(max_attempts=3))
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise TimeoutError("upstream timed out")
        return "done"

    assert await harness.runner(flaky).run_async((), {}) == "done"
    assert calls == 3 and harness.counters.snapshot()["f"].retries == 2

    calls = -10  # fails on every attempt: the client's bound (3 attempts) wins over the policy's 10
    with pytest.raises(TimeoutError):
        await harness.runner(flaky).run_async((), {})
    assert calls == -7


def test_sync_calls_get_no_policy_retries_and_other_categories_none_at_all() -> None:
    policy = {"type": "retry_policy", "maxAttempts": 5, "baseDelayMs": 1, "maxDelayMs": 1, "retryOn": {"categories": ["timeout"]}}
    harness = Harness([deployed(policy)])
    calls = 0

    def slow() -> None:
        nonlocal calls
        calls += 1
        raise TimeoutError("timed out")

    with pytest.raises(TimeoutError):
        harness.runner(slow).run((), {})
    assert calls == 1

    async def wrong() -> None:
        nonlocal calls
        calls += 1
        raise KeyError("amount")

    calls = 0
    with pytest.raises(KeyError):
        asyncio.run(harness.runner(wrong).run_async((), {}))
    assert calls == 1


def test_a_fix_that_changes_the_call_is_skipped_without_a_call_shape() -> None:
    harness = Harness([deployed({"type": "prompt_adjustment", "instructions": "x"})])
    received: list[Any] = []
    harness.runner(lambda prompt: received.append(prompt)).run(("hi",), {})
    assert received == ["hi"] and "fixIds" not in harness.events[0]


def test_call_fixes_apply_in_order() -> None:
    fix = deployed(
        {
            "type": "composite",
            "fixes": [
                {"type": "prompt_adjustment", "instructions": "Be terse."},
                {"type": "param_patch", "params": {"temperature": 0}},
                {"type": "few_shot", "examples": [{"input": "a", "output": {"b": 1}}]},
                {"type": "response_format", "name": "r", "schema": {"type": "object"}},
            ],
        }
    )
    parts = fix.fix.fixes  # type: ignore[union-attr]
    call = apply_call_fixes(NormalizedCall(system="S", messages=[{"role": "user", "content": "q"}]), parts)
    assert call == NormalizedCall(
        system="S\n\nBe terse.",
        messages=[{"role": "user", "content": "a"}, {"role": "assistant", "content": '{"b":1}'}, {"role": "user", "content": "q"}],
        params={"temperature": 0},
        response_format={"name": "r", "schema": {"type": "object"}, "strict": True},
    )
    prompt = apply_call_fixes(NormalizedCall(prompt="q"), parts[2:3])
    assert prompt.prompt == 'Examples:\nInput: a\nOutput: {"b":1}\n\nq'


def test_output_repair_and_coercion() -> None:
    schema = {"type": "object", "properties": {"total": {"type": "number"}, "paid": {"type": "boolean"}, "tags": {"type": "array"}}}
    repaired = repair_output("```json\n{total: 12, 'items': [1, 2,],}\n```", OutputRepairFix.model_validate(REPAIR))
    assert json.loads(repaired) == {"total": 12, "items": [1, 2]}
    coerce = OutputRepairFix.model_validate({"type": "output_repair", "json": True, "coerce": True, "schema": schema})
    assert repair_output('{"total": "12.5", "paid": "TRUE", "tags": "x"', coerce) == '{"total":12.5,"paid":true,"tags":["x"]}'
    assert repair_output("", OutputRepairFix.model_validate(REPAIR)) == ""
    assert coerce_to_schema({"total": "twelve"}, schema) == {"total": "twelve"}
    assert coerce_to_schema({"currency": "eur"}, {"properties": {"currency": {"enum": ["EUR", "USD"]}}}) == {"currency": "EUR"}


POOL = [
    {"input": "weather in Paris today", "output": "Sunny, 24 C."},
    {"input": "recipe for pancakes", "output": "Flour, milk, eggs."},
    {"input": "stock price of ACME", "output": "ACME: 12.40 USD."},
    {"input": "weather in Oslo tomorrow", "output": "Rain, 9 C."},
    {"input": "pasta recipe with tomatoes", "output": "Pasta, tomatoes, basil."},
    {"messages": [{"role": "user", "content": "translate hello to French"}, {"role": "assistant", "content": "Bonjour."}]},
]


def test_a_pooled_few_shot_fix_deployed_by_the_server_gives_each_call_its_nearest_examples(arc_server: ArcServer) -> None:
    key = arc_server.key("ingest", "read")
    name = f"assistant.ask.{secrets.token_hex(4)}"
    client = ArcClient(ArcConfig(api_key=key, endpoint=arc_server.url, flush_interval=60.0, fix_poll_interval=3600.0))
    received: dict[str, list[dict[str, Any]]] = {}
    user = ["anyone"]

    @client.track(
        name, call_shape=path_call_shape(messages="messages"), input=lambda question, messages: question, call_key=lambda *a: user[0]
    )
    def ask(question: str, messages: list[dict[str, Any]]) -> str:
        received[question] = messages
        if question == "fail":
            raise ValueError("the model answered nothing")
        return "ok"

    with pytest.raises(ValueError):
        ask("fail", [])
    client.flush()
    fix_id = arc_server.deploy(name, {"type": "few_shot", "examples": POOL, "nearest": 2})
    client.refresh_fixes()
    [fix] = client.fixes_for(name)
    assert fix.id == fix_id and fix.fix.nearest == 2 and len(fix.fix.examples) == len(POOL)  # type: ignore[union-attr]
    # A canary: the calls come from a user its treatment arm holds.
    user[0] = next(u for u in (f"user-{i}" for i in range(100)) if canary_arm(fix_id, u, fix.canary_share) == "treatment")

    def asked(question: str) -> list[str]:
        own = {"role": "user", "content": question}
        ask(question, [own])
        messages = received[question]
        assert messages[-1] == own and len(messages) == 5  # two example exchanges, then the call's own turn
        return [m["content"] for m in messages[:-1]]

    # The nearest last, right before the call's own input.
    assert asked("what is the weather in Rome today") == ["weather in Oslo tomorrow", "Rain, 9 C.", "weather in Paris today", "Sunny, 24 C."]
    assert asked("a recipe with tomatoes") == ["recipe for pancakes", "Flour, milk, eggs.", "pasta recipe with tomatoes", "Pasta, tomatoes, basil."]
    assert asked("translate hello to Spanish")[-2:] == ["translate hello to French", "Bonjour."]
    client.flush()
    client.shutdown(timeout=5.0)
    assert client.stats().functions[name].successes == 3
