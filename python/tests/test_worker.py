"""The rollout worker against the learning loop of a real ``arc serve``: the learner turns the
function's failures into rollout jobs, the worker replays their recorded inputs with each candidate
fix, scores them and reports the rewards."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from arc import ArcClient, ArcConfig, RolloutJob, Verdict

from .conftest import ArcServer, running_arc_server, wait_until
from .recording_proxy import Exchange, RecordingProxy


@pytest.fixture
def learning_server() -> Iterator[ArcServer]:
    """A server of each test's own: the learner draws only from that test's patterns. Shared, a step
    could draw an earlier test's patterns, whose functions no worker here replays, and wait out its
    timeout on them: a clean-clone run timed out waiting for a replay that way."""
    with running_arc_server() as server:
        yield server

LEARN_FAST = {"batchSize": 4, "groupSize": 2, "triggerFailures": 3, "triggerIntervalMs": 200, "stepTimeoutMs": 20_000}
PAUSED = {"triggerFailures": 1_000_000, "triggerIntervalMs": 3_600_000}


def _client(arc_server: ArcServer) -> ArcClient:
    key = arc_server.key("ingest", "read", "worker")
    return ArcClient(ArcConfig(api_key=key, endpoint=arc_server.url, flush_interval=60.0, fix_poll_interval=3600.0))


def _recorded_client(arc_server: ArcServer) -> tuple[RecordingProxy, ArcClient]:
    """A client whose requests go through a proxy that records them."""
    proxy = RecordingProxy(arc_server.url)
    key = arc_server.key("ingest", "read", "worker")
    return proxy, ArcClient(ArcConfig(api_key=key, endpoint=proxy.url, flush_interval=60.0, fix_poll_interval=3600.0))


def _learn(arc_server: ArcServer, settings: dict[str, Any]) -> None:
    status, body = arc_server.request("PUT", "/v1/learning/config", settings)
    assert status == 200, body


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_the_worker_replays_failures_with_candidate_fixes_and_reports_rewards(learning_server: ArcServer, kind: str) -> None:
    arc_server = learning_server
    client = _client(arc_server)
    name = f"quote.{kind}.{secrets.token_hex(4)}"
    replayed: list[str] = []

    def answer_sync(text: str) -> str:
        replayed.append(text)
        return text

    async def answer_async(text: str) -> str:
        replayed.append(text)
        return text

    answer = client.track(name, parse=json.loads)(answer_sync if kind == "sync" else answer_async)
    for i in range(6):  # model output with a trailing comma: a parsing_error pattern
        result = answer(f'{{"quote": {i},}}')
        if kind == "async":
            asyncio.run(result)  # type: ignore[arg-type]
    client.flush()
    replayed.clear()
    scores: list[RolloutJob] = []

    def verifier(output: Any, arguments: dict[str, Any], job: RolloutJob) -> float:
        scores.append(job)
        return 1.0 if json.loads(output).get("quote") is not None else 0.0

    _learn(arc_server, LEARN_FAST)
    try:
        worker = client.worker({name: answer}, concurrency=4, poll_interval=0.05, lease=30.0, verifier=verifier)
        # The incumbent (no fix) fails to parse: reward 0, the verifier never asked. A repairing candidate
        # parses, so the verifier scores it.
        wait_until(lambda: worker.stats().reported >= 2 and bool(scores), timeout=120, what="a candidate scored and reported")
    finally:
        _learn(arc_server, PAUSED)
    worker.stop(timeout=5.0)
    stats = worker.stats()
    assert stats.invalid_jobs == 0 and stats.lease_errors == 0
    assert replayed and all(text.startswith('{"quote"') for text in replayed)  # the recorded inputs, replayed
    assert {job.function for job in scores} == {name}
    # A replay is no production call: the host's counters saw only the six calls above.
    assert client.stats().functions[name].failures == 6
    # What the verifier scored went through a repairing candidate: the output parsed.
    assert all(job.fix is not None for job in scores)
    client.shutdown(timeout=5.0)


def test_the_worker_scores_replays_with_the_functions_own_verify_and_posts_its_score(learning_server: ArcServer) -> None:
    arc_server = learning_server
    proxy, client = _recorded_client(arc_server)
    name = f"quote.verified.{secrets.token_hex(4)}"
    asked: list[tuple[Any, dict[str, Any]]] = []

    def verify(output: dict[str, Any], arguments: dict[str, Any]) -> Verdict:
        # What production would judge: the parsed quote, and the arguments it was asked with.
        asked.append((output, arguments))
        return Verdict(score=(1 + output["quote"] % 4) / 4, label="quote_checked")

    @client.track(name, parse=json.loads, verify=verify)
    def answer(text: str) -> str:
        return text

    for i in range(6):  # model output with a trailing comma: a parsing_error pattern, never verified
        answer(f'{{"quote": {i},}}')
    client.flush()
    assert asked == []
    _learn(arc_server, LEARN_FAST)
    try:
        worker = client.worker({name: answer}, concurrency=4, poll_interval=0.05, lease=30.0)
        # The incumbent fails to parse (reward 0, verify not asked); a repairing candidate parses, and verify scores it.
        wait_until(lambda: bool(asked) and worker.stats().reported >= 2, timeout=120, what="a replay verified and reported")
    finally:
        _learn(arc_server, PAUSED)
    worker.stop(timeout=5.0)
    client.shutdown(timeout=5.0)
    proxy.close()

    inputs = {job["id"]: job["input"] for exchange in proxy.sent("/v1/rollouts/lease") for job in exchange.answer_json()["jobs"]}
    results = {e.path.split("/")[3]: (e.json(), e.status) for e in proxy.sent("/v1/rollouts/") if e.path.endswith("/result")}
    assert results and all(status == 200 for _, status in results.values()), results
    verified = {job: body for job, (body, _) in results.items() if "error" not in body}
    assert verified, results
    for job, body in verified.items():
        quote = json.loads(inputs[job]["text"].replace(",}", "}"))["quote"]
        assert body["reward"] == (1 + quote % 4) / 4  # verify's score, posted as the reward
        assert json.loads(body["output"]) == {"quote": quote}
    for output, arguments in asked:
        assert output == {"quote": output["quote"]} and arguments["text"].startswith('{"quote"')
    # Replays are no production calls: their verdicts are not sent as feedback, nor counted.
    assert proxy.sent("/v1/feedback") == []
    assert client.stats().functions[name].wrong_answers == 0


def test_a_worker_refuses_what_it_cannot_replay(arc_server: ArcServer) -> None:
    client = _client(arc_server)

    @client.track(input=lambda text: {"text": text})
    def custom(text: str) -> str:
        return text

    with pytest.raises(TypeError, match="replay_args"):
        client.worker({custom.__qualname__: custom})
    with pytest.raises(TypeError, match="concurrency"):
        client.worker({"f": custom}, concurrency=0)
    with pytest.raises(TypeError, match="mapping"):
        client.worker({})
    client.shutdown(timeout=1.0)


def _results_quoting_the_verifier(arc_server: ArcServer, verifier: Callable[..., Any]) -> tuple[RecordingProxy, list[Exchange]]:
    """Replays of a parsing_error pattern scored by ``verifier``, which answers no reward: the proxy
    that saw the wire, and the results posted that quote its answer."""
    proxy, client = _recorded_client(arc_server)
    name = f"quote.odd.{secrets.token_hex(4)}"

    @client.track(name, parse=json.loads)
    def answer(text: str) -> str:
        return text

    for i in range(6):  # model output with a trailing comma: a parsing_error pattern
        answer(f'{{"quote": {i},}}')
    client.flush()

    def quoted() -> list[Exchange]:
        return [e for e in proxy.sent("/v1/rollouts/") if b"the verifier returned" in e.body]

    _learn(arc_server, LEARN_FAST)
    try:
        worker = client.worker({name: answer}, concurrency=4, poll_interval=0.05, lease=30.0, verifier=verifier)
        wait_until(lambda: bool(quoted()), timeout=120, what="a replay whose verifier answered no reward")
    finally:
        _learn(arc_server, PAUSED)
    worker.stop(timeout=5.0)
    client.shutdown(timeout=5.0)
    proxy.close()
    return proxy, quoted()


def test_a_verifiers_odd_answer_is_redacted_in_the_result_it_posts(learning_server: ArcServer) -> None:
    token, password = f"sk-{secrets.token_hex(16)}", f"hunter2-{secrets.token_hex(8)}"
    proxy, quoted = _results_quoting_the_verifier(
        learning_server, lambda output, arguments, job: {"password": password, "note": f"checked with {token}"}
    )
    wire = "\n".join(e.body.decode() for e in proxy.exchanges)
    assert token not in wire and password not in wire
    assert all(e.json()["reward"] == 0 for e in quoted)


def test_a_result_whose_error_is_cut_inside_a_surrogate_pair_is_posted(learning_server: ArcServer) -> None:
    """The error's cut keeps half an emoji; httpx's JSON has no UTF-8 for it and raised in the report,
    so the result was never posted. Written as JSON.stringify writes it, it is."""
    # Quoted after 'the verifier returned "' (23 characters): the emoji spans the error's bound, 2,000.
    _, quoted = _results_quoting_the_verifier(learning_server, lambda output, arguments, job: "a" * 1976 + "\U0001f600")
    assert quoted[0].status == 200
    error = json.loads(quoted[0].body.decode("utf-8"))["error"]  # strict UTF-8, as a server reads it
    assert error.startswith('the verifier returned "aaa') and error.endswith("a\ud83d…[truncated 26 chars]")
