import logging
import math

import pytest

from arc.trainers import ArcCurriculumConfig, CurriculumClient, CurriculumDraws, CurriculumError, arm_of

from tests.local_http import LocalHttpServer, huge_answer

from .conftest import ArcServer


def softmax(q: dict[str, float], tau: float) -> dict[str, float]:
    z = sum(math.exp(v / tau) for v in q.values())
    return {k: math.exp(v / tau) / z for k, v in q.items()}


def test_client_samples_updates_and_reads_the_trainer_curriculum(arc_server: ArcServer) -> None:
    client = CurriculumClient(arc_server.url, arc_server.new_key("worker", "read"))
    sampled = client.sample(["a", "b"], 6)
    assert len(sampled.draws) == 6 and set(sampled.draws) <= {"a", "b"}
    assert sampled.probabilities == {"a": 0.5, "b": 0.5}

    updated = client.update({"a": 0.8, "b": 0.2})
    state = client.state()
    assert state.curriculum == "trainer" and updated.step == state.step == 1
    q = {arm.arm: arm.q for arm in state.arms}
    assert q == {"a": pytest.approx(state.alpha * 0.8), "b": pytest.approx(state.alpha * 0.2)}
    assert state.probabilities() == pytest.approx(softmax(q, state.temperature))


def test_client_errors_name_the_field_and_an_unreachable_server(arc_server: ArcServer) -> None:
    client = CurriculumClient(arc_server.url, arc_server.new_key("worker"))
    with pytest.raises(CurriculumError, match=r"/batchSize") as refused:
        client.sample(["a"], 0)
    assert refused.value.status == 400
    with pytest.raises(CurriculumError) as forbidden:
        CurriculumClient(arc_server.url, arc_server.new_key("ingest")).update({"a": 1.0})
    assert forbidden.value.status == 403
    with pytest.raises(CurriculumError, match="cannot reach Arc") as unreachable:
        CurriculumClient("http://127.0.0.1:9", "arc_x").state()
    assert refused.value.refused and refused.value.fields == ("/batchSize",)
    assert not forbidden.value.refused and not unreachable.value.refused


@pytest.mark.parametrize("status", [400, 200])
def test_client_reads_a_bounded_part_of_an_answer(status: int) -> None:
    """An answer (an error's above all) larger than the client could use is refused, not read into memory."""
    size = 256 * 1024 * 1024
    handler, written = huge_answer(status, size)
    server = LocalHttpServer(handler)
    try:
        with pytest.raises(CurriculumError, match="larger than") as refused:
            CurriculumClient(server.url, "arc_x").state()
        assert refused.value.status == status
        assert written[0] < size
    finally:
        server.close()


def test_arms_are_patterns_or_a_functions_successes() -> None:
    assert arm_of({"pattern_id": "p1", "function": "f"}) == "p1"
    assert arm_of({"pattern_id": None, "function": "f"}) == "success:f"
    long = arm_of({"function": "f" * 300})
    assert long.startswith("success:") and len(long) == len("success:") + 32


def test_pulls_every_sync_interval_batches_draws_locally_between_and_reports(arc_server: ArcServer) -> None:
    key = arc_server.new_key("worker", "read")
    rows = ["a", "a", "b", "c", "c", "c"]
    draws = CurriculumDraws(rows, CurriculumClient(arc_server.url, key), sync_interval=3, seed=7)
    batches = [draws.next_batch(4) for _ in range(7)]
    assert all(len(b) == 4 and all(0 <= i < 6 for i in b) for b in batches)
    # Batches 0, 3 and 6 were drawn by Arc: 3 syncs of 4 pulls.
    assert draws.stats["syncs"] == 3
    pulls = {arm["arm"]: arm["pulls"] for arm in arc_server.trainer_curriculum()["arms"]}
    assert sum(pulls.values()) == 12

    draws.report({"a": 1.0, "c": 0.5, "b": float("nan")})
    arms = {arm["arm"]: arm for arm in arc_server.trainer_curriculum()["arms"]}
    assert arms["a"]["q"] == pytest.approx(0.1) and arms["c"]["q"] == pytest.approx(0.05)
    assert arms["b"]["updates"] == 0 and draws.stats["reports"] == 1


def test_draws_follow_the_curriculum(arc_server: ArcServer) -> None:
    key = arc_server.new_key("worker", "read")
    arc_server.call("PUT", "/v1/learning/config", {"temperature": 0.01})
    client = CurriculumClient(arc_server.url, key)
    client.update({"hot": 1.0})  # Q: hot 0.1, cold 0 -> p(hot) = 1 / (1 + e^-10)
    rows = ["cold"] * 5 + ["hot"] * 5
    draws = CurriculumDraws(rows, client, sync_interval=2, seed=1)
    drawn = [i for _ in range(4) for i in draws.next_batch(50)]
    hot = sum(1 for i in drawn if rows[i] == "hot")
    assert draws.probabilities["hot"] == pytest.approx(1 / (1 + math.exp(-10)))
    assert hot >= 195  # expected 199.99 of 200; each pattern's problems are drawn from its own pool
    assert {i for i in drawn if rows[i] == "hot"} == {5, 6, 7, 8, 9}


def test_an_arm_whose_name_arc_keeps_redacted_is_drawn_by_its_own_name(arc_server: ArcServer) -> None:
    """Arc keeps secrets in arm names redacted, and answers in the names sent: batches stay whole."""
    secret = "success:token=abcd1234abcd1234"
    rows = ["plain", "plain", secret, secret]
    draws = CurriculumDraws(rows, CurriculumClient(arc_server.url, arc_server.new_key("worker")), sync_interval=1)
    batch = draws.next_batch(20)
    assert len(batch) == 20 and {rows[i] for i in batch} == {"plain", secret}
    assert draws.probabilities == {"plain": 0.5, secret: 0.5}
    assert secret not in {arm["arm"] for arm in arc_server.trainer_curriculum()["arms"]}


def test_arc_down_never_stops_the_draws(arc_server: ArcServer) -> None:
    draws = CurriculumDraws(["a", "b"], CurriculumClient("http://127.0.0.1:9", "arc_x"), sync_interval=5)
    assert len(draws.next_batch(3)) == 3 and len(draws.next_batch(3)) == 3
    draws.report({"a": 1.0})
    assert draws.stats == {"syncs": 0, "sync_failures": 2, "reports": 0, "report_failures": 1, "refusals": 0}
    assert draws.refusal is None
    assert draws.probabilities == {"a": 0.5, "b": 0.5}


#: The most arms Arc's trainer curriculum keeps, and a request may name (MAX_ARMS on the server).
MAX_ARMS = 10_000


def test_arms_arc_refuses_are_warned_about_once_and_kept_until_a_reset_makes_room(
    arc_server: ArcServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = CurriculumClient(arc_server.url, arc_server.new_key("worker", "read"))
    client.update({f"old{i}": 0.5 for i in range(MAX_ARMS)})  # an earlier run's arms fill the curriculum
    draws = CurriculumDraws(["a", "b", "b"], client, sync_interval=2, seed=1)
    caplog.set_level(logging.WARNING, logger="arc.trainers")
    for _ in range(4):
        assert len(draws.next_batch(3)) == 3  # batches 0 and 2 asked Arc and were refused
    draws.report({"a": 1.0})
    assert draws.refusal is not None and draws.refusal.status == 409
    assert draws.refusal.fields == ("/rewards",) and "DELETE /v1/curriculum/trainer" in str(draws.refusal)
    assert draws.stats["refusals"] == 3 and draws.stats["syncs"] == 0
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 1 and "Arc refuses this trainer's 2 arms" in warned[0] and "10000 arms" in warned[0]

    assert client.reset().removed_arms == MAX_ARMS
    draws.next_batch(3)  # batch 4: a sync, taken
    assert draws.refusal is None and draws.stats["syncs"] == 1
    assert {arm["arm"] for arm in arc_server.trainer_curriculum()["arms"]} <= {"a", "b"}
    assert draws.probabilities == {"a": 0.5, "b": 0.5}
    assert len(caplog.records) == 1


def test_more_arms_than_arc_takes_in_a_request_is_a_refusal_not_a_passing_failure(
    arc_server: ArcServer, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [f"arm{i}" for i in range(MAX_ARMS + 1)]
    draws = CurriculumDraws(rows, CurriculumClient(arc_server.url, arc_server.new_key("worker")), sync_interval=3)
    caplog.set_level(logging.WARNING, logger="arc.trainers")
    for _ in range(4):
        assert len(draws.next_batch(2)) == 2
    assert draws.refusal is not None and draws.refusal.status == 400 and draws.refusal.fields == ("/arms",)
    assert draws.stats["refusals"] == 2 and draws.stats["sync_failures"] == 2
    assert len(caplog.records) == 1 and "/arms" in caplog.records[0].getMessage()


def test_state_round_trips_for_checkpoints(arc_server: ArcServer) -> None:
    client = CurriculumClient(arc_server.url, arc_server.new_key("worker"))
    one = CurriculumDraws(["a", "b", "b"], client, sync_interval=100, seed=3)
    one.next_batch(2)
    saved = one.state_dict()
    expected = one.next_batch(5)
    two = CurriculumDraws(["a", "b", "b"], client, sync_interval=100, seed=99)
    two.load_state_dict(saved)
    assert two.next_batch(5) == expected


def test_config_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARC_URL", "http://arc:4317")
    monkeypatch.setenv("ARC_KEY", "arc_k")
    config = ArcCurriculumConfig.from_mapping({"sync_interval": 5})
    assert (config.url, config.api_key, config.sync_interval) == ("http://arc:4317", "arc_k", 5)
    monkeypatch.delenv("ARC_KEY")
    with pytest.raises(ValueError, match="ARC_KEY"):
        ArcCurriculumConfig.from_mapping({"url": "http://arc"})
