"""The wrapper for the ``openai`` client, sync and async, against a local server speaking the real
Chat Completions protocol, with fixes deployed by a real ``arc serve``."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import openai
import pydantic
import pytest

from arc import ArcClient, ArcConfig, ReturnedCallInfo, Verdict
from arc._canary import canary_arm
from arc.integrations.openai import wrap_openai

from .chat_completions_server import ChatCompletionsServer, Reply
from .conftest import ArcServer, wait_until


class Answer(pydantic.BaseModel):
    city: str


@pytest.fixture
def llm() -> Iterator[ChatCompletionsServer]:
    replies: list[Reply] = []

    def reply(body: dict[str, Any]) -> Reply:
        return replies.pop(0) if replies else Reply(content='{"city": "Paris"}')

    server = ChatCompletionsServer(reply)
    server.replies = replies  # type: ignore[attr-defined]
    yield server
    server.close()


def _arc(arc_server: ArcServer) -> ArcClient:
    key = arc_server.key("ingest", "read")
    return ArcClient(ArcConfig(api_key=key, endpoint=arc_server.url, flush_interval=60.0, fix_poll_interval=3600.0))


BODY: dict[str, Any] = {
    "model": "gpt-4o-mini",
    "messages": [{"role": "system", "content": "Answer with JSON."}, {"role": "user", "content": "Capital of France?"}],
    "response_format": {"type": "json_object"},
}


def test_sync_client_tracks_validates_and_passes_everything_else_through(arc_server: ArcServer, llm: ChatCompletionsServer) -> None:
    arc = _arc(arc_server)
    name = f"geo.answer.{secrets.token_hex(4)}"
    client = wrap_openai(openai.OpenAI(api_key="sk-test", base_url=llm.url, max_retries=0), arc, function=name, validators=[Answer])
    completion = client.chat.completions.create(**BODY)
    assert isinstance(completion, openai.types.chat.ChatCompletion)
    assert json.loads(completion.choices[0].message.content or "") == {"city": "Paris"}
    llm.replies.append(Reply(content='{"town": "Paris"}'))  # type: ignore[attr-defined]
    invalid = client.chat.completions.create(**BODY)
    assert invalid.choices[0].message.content == '{"town": "Paris"}'  # returned: no throw_on_invalid
    llm.replies.append(Reply(status=429, raw='{"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}'))  # type: ignore[attr-defined]
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(**BODY)
    assert client.models is not None  # the rest of the client is the client's own
    arc.shutdown(timeout=5.0)
    counters = arc.stats().functions[name]
    assert (counters.successes, counters.failures) == (1, 2)
    categories = sorted(p["category"] for p in arc_server.patterns(name))
    assert categories == ["rate_limit", "validation"]
    recorded = [p for p in arc_server.patterns(name) if p["category"] == "rate_limit"][0]
    assert recorded["errorType"] == "openai.RateLimitError"


async def test_async_client_gets_a_deployed_prompt_fix_on_its_treatment_calls(arc_server: ArcServer, llm: ChatCompletionsServer) -> None:
    arc = _arc(arc_server)
    name = f"geo.async.{secrets.token_hex(4)}"
    user = ["anyone"]
    client = wrap_openai(
        openai.AsyncOpenAI(api_key="sk-test", base_url=llm.url, max_retries=0),
        arc,
        function=name,
        validators=[Answer],
        call_key=lambda body: user[0],
    )
    llm.replies.append(Reply(content="Paris."))  # type: ignore[attr-defined]
    await client.chat.completions.create(**BODY)  # a failure, so the function has a pattern
    await arc.aflush()
    arc_server.set_canary_share(0.5)
    fix_id = arc_server.deploy(name, {"type": "prompt_adjustment", "instructions": "Reply with a JSON object only."})
    await arc.arefresh_fixes()
    users = [f"user-{i}" for i in range(30)]
    for u in users:
        user[0] = u
        await client.chat.completions.create(**BODY, temperature=0.2)
    systems = [r["messages"][0]["content"] for r in llm.requests[1:]]
    expected = [
        "Answer with JSON.\n\nReply with a JSON object only." if canary_arm(fix_id, u, 0.5) == "treatment" else "Answer with JSON."
        for u in users
    ]
    assert systems == expected and len(set(expected)) == 2
    assert all(r["temperature"] == 0.2 and r["model"] == "gpt-4o-mini" for r in llm.requests[1:])
    assert BODY["messages"][0]["content"] == "Answer with JSON."  # the caller's request is never changed
    await arc.ashutdown(timeout=5.0)


def test_streams_are_tracked_up_to_their_start(arc_server: ArcServer, llm: ChatCompletionsServer) -> None:
    arc = _arc(arc_server)
    client = wrap_openai(openai.OpenAI(api_key="sk-test", base_url=llm.url, max_retries=0), arc, function="geo.stream")
    stream = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream)
    assert text.strip() == '{"city": "Paris"}'
    arc.shutdown(timeout=5.0)
    assert arc.stats().functions["geo.stream"].successes == 1


def test_a_disabled_arc_returns_the_client_itself(llm: ChatCompletionsServer) -> None:
    client = openai.OpenAI(api_key="sk-test", base_url=llm.url)
    assert wrap_openai(client, ArcClient(ArcConfig(disabled=True)), function="x") is client


def _pattern(arc_server: ArcServer, function: str) -> dict[str, Any]:
    [pattern] = arc_server.patterns(function)
    status, detail = arc_server.request("GET", f"/v1/patterns/{pattern['id']}")
    assert status == 200, detail
    return detail  # type: ignore[no-any-return]


def test_sync_client_names_calls_verifies_answers_and_takes_feedback(arc_server: ArcServer, llm: ChatCompletionsServer) -> None:
    arc = _arc(arc_server)
    name = f"geo.verified.{secrets.token_hex(4)}"
    told: list[ReturnedCallInfo] = []
    verified: list[tuple[Any, dict[str, Any]]] = []

    def verify(answer: Any, arguments: dict[str, Any]) -> Verdict:
        # Given the answer's content as validators see it (parsed: a JSON format was asked for).
        verified.append((answer, arguments))
        city = answer["city"]
        return Verdict(score=1.0) if city == "Paris" else Verdict(score=0.0, label="wrong_city", message=f"expected Paris, got {city}")

    client = wrap_openai(
        openai.OpenAI(api_key="sk-test", base_url=llm.url, max_retries=0),
        arc,
        function=name,
        validators=[Answer],
        call_id=lambda body: body["user"],
        verify=verify,
        on_call=told.append,
    )
    right = client.chat.completions.create(**BODY, user="req-right")
    llm.replies.append(Reply(content='{"city": "Lyon"}'))  # type: ignore[attr-defined]
    wrong = client.chat.completions.create(**BODY, user="req-wrong")
    assert right.choices[0].message.content == '{"city": "Paris"}' and wrong.choices[0].message.content == '{"city": "Lyon"}'
    assert [info.call_id for info in told] == ["req-right", "req-wrong"]
    assert told[1].output is wrong and told[1].kwargs["user"] == "req-wrong"  # the caller's own completion
    # verify runs off the call's path; a verdict after the fact for a call verify judged already is not counted twice.
    wait_until(lambda: arc.stats().feedback.queued + arc.stats().feedback.sent >= 2, what="both verdicts")
    arc.feedback("req-wrong", 0.0)
    arc.flush()
    stats = arc.stats()
    assert (stats.feedback.sent, stats.feedback.unmatched) == (2, 1)
    assert stats.functions[name].wrong_answers == 1
    assert sorted(answer["city"] for answer, _ in verified) == ["Lyon", "Paris"]
    assert all(arguments["model"] == "gpt-4o-mini" for _, arguments in verified)
    detail = _pattern(arc_server, name)
    assert detail["category"] == "wrong_answer" and detail["errorType"] == "wrong_city"
    arc.shutdown(timeout=5.0)


async def test_async_client_feedback_after_the_fact_on_a_generated_call_id(arc_server: ArcServer, llm: ChatCompletionsServer) -> None:
    arc = _arc(arc_server)
    name = f"geo.feedback.{secrets.token_hex(4)}"
    told: list[ReturnedCallInfo] = []
    client = wrap_openai(openai.AsyncOpenAI(api_key="sk-test", base_url=llm.url, max_retries=0), arc, function=name, on_call=told.append)
    llm.replies.append(Reply(content='{"city": "Rome"}'))  # type: ignore[attr-defined]
    completion = await client.chat.completions.create(**BODY)
    [info] = told
    assert info.output is completion and info.call_id  # an id Arc generated, to give arc.feedback
    arc.feedback(info.call_id, Verdict(score=0.0, label="wrong_city"))
    await arc.aflush()
    assert arc.stats().feedback.sent == 1 and arc.stats().functions[name].wrong_answers == 1
    detail = _pattern(arc_server, name)
    assert detail["category"] == "wrong_answer" and detail["errorType"] == "wrong_city"
    # The pattern's example is the call as it was made, for rollouts to replay.
    assert detail["examples"][0]["input"]["messages"] == BODY["messages"]
    await arc.ashutdown(timeout=5.0)


def test_wrap_openai_refuses_options_that_are_not_callable(llm: ChatCompletionsServer, arc_server: ArcServer) -> None:
    arc = _arc(arc_server)
    client = openai.OpenAI(api_key="sk-test", base_url=llm.url)
    for option in ("call_id", "on_call", "verify"):
        with pytest.raises(TypeError, match=option):
            wrap_openai(client, arc, function="x", **{option: "not callable"})  # type: ignore[arg-type]
    arc.shutdown(timeout=1.0)
