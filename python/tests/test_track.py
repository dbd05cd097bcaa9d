"""Tracked functions against a real ``arc serve``: what the host gets, and what the server makes of it."""

from __future__ import annotations

import asyncio
import functools
import gc
import inspect
import os
import secrets
import subprocess
import sys
import textwrap
import warnings
from typing import Any

import pydantic
import pytest

import arc
from arc import ArcClient, ArcConfig

from .conftest import REPO, ArcServer, wait_until


def _client(server: ArcServer, key: str, **overrides: Any) -> ArcClient:
    config = dict(api_key=key, endpoint=server.url, agent_id="pytest-agent", flush_interval=60.0, fixes=False)
    return ArcClient(ArcConfig(**{**config, **overrides}))


def _name(prefix: str) -> str:
    return f"{prefix}.{secrets.token_hex(4)}"


class Invoice(pydantic.BaseModel):
    amount: float
    currency: str


def test_sync_and_async_functions_keep_their_kind_name_and_results(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key)
    result = {"the": "host's own object"}

    @client.track
    def plain(x: int, *, scale: int = 2) -> dict[str, Any]:
        """Docstring kept."""
        return result

    @client.track("agent.async")
    async def coroutine(x: int) -> dict[str, Any]:
        return result

    assert plain(1) is result
    assert asyncio.run(coroutine(1)) is result
    assert not inspect.iscoroutinefunction(plain)
    assert inspect.iscoroutinefunction(coroutine)
    assert plain.__name__ == "plain" and plain.__doc__ == "Docstring kept."
    assert inspect.signature(plain) == inspect.signature(plain.__wrapped__)  # type: ignore[attr-defined]
    client.shutdown(timeout=5.0)
    functions = client.stats().functions
    assert functions[plain.__qualname__].successes == 1
    assert functions["agent.async"].successes == 1


def test_a_function_is_as_sync_as_it_is_declared_whatever_it_wraps_or_returns(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key)

    def run_to_completion(fn: Any) -> Any:
        # A sync face on a coroutine function (as asgiref's async_to_sync): callers get the value.
        @functools.wraps(fn)
        def wrapper(*args: Any) -> Any:
            return asyncio.run(fn(*args))

        return wrapper

    async def answer(x: int) -> int:
        return x * 2

    async def refuse(x: int) -> int:
        raise LookupError(f"no {x}")

    synced = client.track("synced")(run_to_completion(answer))
    assert synced(21) == 42
    assert not inspect.iscoroutinefunction(synced)
    # Not declared async, but returning a coroutine: the call's outcome is known once it is awaited.
    def deferred_refusal(x: int) -> Any:
        return refuse(x)

    deferred = client.track("deferred")(deferred_refusal)
    with pytest.raises(LookupError, match="no 7"):
        asyncio.run(deferred(7))
    client.shutdown(timeout=5.0)
    functions = client.stats().functions
    assert (functions["synced"].successes, functions["synced"].failures) == (1, 0)
    assert (functions["deferred"].successes, functions["deferred"].failures) == (0, 1)
    assert client.stats().internal_errors == 0


def test_the_hosts_own_exception_objects_reach_it_and_become_one_pattern(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key)
    name = _name("user.lookup")
    raised: list[BaseException] = []

    @client.track(name)
    def lookup(user_id: int) -> dict[str, int]:
        error = LookupError(f"user {user_id} not found (req {user_id:08x})")
        raised.append(error)
        raise error

    caught: list[BaseException] = []
    for user_id in range(5):
        with pytest.raises(LookupError) as info:
            lookup(user_id)
        caught.append(info.value)
    assert all(a is b for a, b in zip(caught, raised))
    assert caught[0].__traceback__ is not None
    client.shutdown(timeout=5.0)
    assert client.stats().transport.sent >= 5
    patterns = arc_server.patterns(name)
    assert len(patterns) == 1
    assert patterns[0]["occurrences"] == 5 and patterns[0]["errorType"] == "LookupError"


def test_methods_are_tracked_with_their_instance_passed_through_not_recorded(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key, success_sample_rate=1.0)

    class Agent:
        secret_state = "not recorded"

        @client.track
        async def process_task(self, task: dict[str, Any]) -> dict[str, Any]:
            return {"done": task["id"], "by": self.secret_state}

    agent = Agent()
    assert asyncio.run(agent.process_task({"id": 7})) == {"done": 7, "by": "not recorded"}
    runner = client.registration("test_methods_are_tracked_with_their_instance_passed_through_not_recorded.<locals>.Agent.process_task")
    assert runner is not None
    assert runner.runner.arguments((agent, {"id": 7}), {}) == {"task": {"id": 7}}
    client.shutdown(timeout=5.0)


def test_validators_turn_silent_failures_into_events_and_keep_the_output(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key)
    name = _name("invoice.extract")

    @client.track(name, validators=[Invoice, lambda out: "amount" in out or "amount is missing"])
    def extract(text: str) -> dict[str, Any]:
        return {"amount": text, "currency": "EUR"} if text.isdigit() else {"currency": "EUR"}

    good = extract("12")
    bad = extract("twelve")
    assert good == {"amount": "12", "currency": "EUR"}  # pydantic validates in lax mode: "12" is a float
    assert bad == {"currency": "EUR"}  # still returned: no throw_on_invalid
    client.shutdown(timeout=5.0)
    counters = client.stats().functions[name]
    assert (counters.successes, counters.failures) == (1, 1)
    patterns = arc_server.patterns(name)
    assert [p["category"] for p in patterns] == ["validation"]


def test_throw_on_invalid_raises_arcs_validation_error_and_parse_raises_the_hosts_own(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key)

    @client.track(validators=Invoice, throw_on_invalid=True)
    def strict(payload: dict[str, Any]) -> dict[str, Any]:
        return payload

    with pytest.raises(arc.ValidationError) as info:
        strict({"amount": "lots"})
    assert {i.path for i in info.value.issues} == {"amount", "currency"}

    import json

    @client.track(parse=json.loads, throw_on_invalid=True)
    def answer(text: str) -> str:
        return text

    assert answer('{"ok": true}') == '{"ok": true}'  # the caller gets the text, validators the parsed value
    with pytest.raises(json.JSONDecodeError):
        answer("Sure! {")
    client.shutdown(timeout=5.0)


def test_hostile_validators_never_reach_the_host(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key)

    def raises(output: Any) -> bool:
        raise RuntimeError("validator bug")

    async def late(output: Any) -> bool:
        return True

    @client.track(validators=[raises])
    def a() -> int:
        return 1

    @client.track(validators=[late])
    def b() -> int:
        return 2

    @client.track(validators=[lambda out: 42])
    def c() -> int:
        return 3

    class Unclosable:
        """An awaitable a sync validator answers with, which cannot be closed."""

        def __await__(self) -> Any:
            return iter(())

        def close(self) -> None:
            raise RuntimeError("cannot close")

    @client.track(validators=[lambda out: Unclosable()])
    def d() -> int:
        return 4

    assert (a(), b(), c(), d()) == (1, 2, 3, 4)
    client.shutdown(timeout=5.0)
    functions = client.stats().functions
    assert functions["test_hostile_validators_never_reach_the_host.<locals>.a"].failures == 1
    assert functions["test_hostile_validators_never_reach_the_host.<locals>.c"].failures == 1
    # Async validators on sync functions leave the calls unvalidated (not Arc's error); the close that raised is.
    assert functions["test_hostile_validators_never_reach_the_host.<locals>.d"].unvalidated == 1
    assert client.stats().internal_errors == 1


def test_an_async_validator_leaves_a_sync_call_unvalidated_unless_another_validator_fails_it(arc_server: ArcServer, ingest_key: str) -> None:
    """A sync call has no event loop to run an async validator in (the TypeScript SDK runs it after the call
    returns): the call is counted neither success nor failure, and that is no internal error."""
    client = _client(arc_server, ingest_key)
    ran: list[Any] = []

    async def late(output: Any) -> bool:
        ran.append(output)
        return False

    @client.track(validators=[late])
    def unchecked() -> int:
        return 1

    @client.track(validators=[late, lambda out: out > 1])
    def failed() -> int:
        return 1

    assert (unchecked(), failed()) == (1, 1)
    client.shutdown(timeout=5.0)
    name = "test_an_async_validator_leaves_a_sync_call_unvalidated_unless_another_validator_fails_it.<locals>"
    functions = client.stats().functions
    assert (functions[f"{name}.unchecked"].successes, functions[f"{name}.unchecked"].failures) == (0, 0)
    assert functions[f"{name}.unchecked"].unvalidated == 1
    assert (functions[f"{name}.failed"].failures, functions[f"{name}.failed"].unvalidated) == (1, 0)
    assert ran == []  # closed, never run: no "coroutine was never awaited" either
    assert client.stats().internal_errors == 0


class Hostile:
    """A result whose every introspection fails."""

    def __getattribute__(self, name: str) -> Any:
        if name in ("__class__",):
            return object.__getattribute__(self, name)
        raise RuntimeError(f"no {name} for you")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def test_hostile_results_and_arguments_come_back_untouched(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key, success_sample_rate=1.0)
    cyclic: dict[str, Any] = {"name": "loop"}
    cyclic["self"] = cyclic
    hostile = Hostile()

    @client.track
    def echo(value: Any) -> Any:
        return value

    for value in (hostile, cyclic, iter([1, 2, 3]), b"\x00" * 10_000, "x" * 1_000_000):
        assert echo(value) is value
    consumed = iter([1, 2, 3])
    echo(consumed)
    assert list(consumed) == [1, 2, 3]  # Arc never consumes an iterator
    client.shutdown(timeout=5.0)
    assert client.stats().internal_errors == 0
    assert client.stats().transport.sent == 6


def test_secrets_are_redacted_before_they_leave_the_process(arc_server: ArcServer, ingest_key: str) -> None:
    import httpx

    sent: list[bytes] = []
    original = httpx.Client.send

    def spy(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> Any:
        if request.method == "POST":
            sent.append(request.content)
        return original(self, request, **kwargs)

    client = _client(arc_server, ingest_key)
    key = "sk-" + "proj-" + "Hn3K9xq2LmV8wRt4YbZc1NdPe7FgQj5Sa0Uo"

    @client.track
    def call(api_key: str, note: str) -> None:
        raise PermissionError(f"401 Incorrect API key provided: {api_key}; contact jane.doe@example.com")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.Client, "send", spy)
        with pytest.raises(PermissionError):
            call(key, note=f"password={key}")
        client.shutdown(timeout=5.0)
    wire = b"".join(sent).decode()
    assert wire and key not in wire and "jane.doe@example.com" not in wire
    assert "[REDACTED:openai_key]" in wire and "[REDACTED:email]" in wire


def test_track_failures_works_from_the_environment_and_flushes_at_exit(arc_server: ArcServer, ingest_key: str) -> None:
    name = _name("env.agent")
    script = textwrap.dedent(
        f"""
        from arc import track_failures

        @track_failures("{name}")
        def plan(step: int) -> dict:
            raise TimeoutError(f"step {{step}} timed out")

        for step in range(3):
            try:
                plan(step)
            except TimeoutError:
                pass
        # No shutdown: the interpreter's exit flushes.
        """
    )
    env = {**os.environ, "ARC_ENDPOINT": arc_server.url, "ARC_API_KEY": ingest_key, "ARC_AGENT_ID": "env-agent"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "python" / "src"), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    wait_until(lambda: bool(arc_server.patterns(name)), what="the exit flush to land")
    [pattern] = arc_server.patterns(name)
    assert pattern["occurrences"] == 3 and pattern["category"] == "timeout"


def test_track_failures_without_configuration_tracks_nothing_and_says_so() -> None:
    script = "import warnings, arc\nwarnings.simplefilter('error')\ntry:\n    arc.track_failures(lambda: 1)\nexcept RuntimeWarning as w:\n    print('warned:', w)\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARC_")}
    env["PYTHONPATH"] = str(REPO / "python" / "src")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert "ARC_ENDPOINT and ARC_API_KEY are not set" in done.stdout, done.stderr


def test_bad_configuration_fails_at_start_up() -> None:
    with pytest.raises(TypeError, match="endpoint"):
        ArcClient(ArcConfig(api_key="k", endpoint="ftp://x"))
    with pytest.raises(TypeError, match="batch_size"):
        ArcClient(ArcConfig(api_key="k", endpoint="http://127.0.0.1:9", batch_size=0))
    client = ArcClient(ArcConfig(api_key="k", endpoint="http://127.0.0.1:9", fixes=False))
    with pytest.raises(TypeError, match="unknown option"):
        client.track(validator=Invoice)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="validator"):
        client.track(validators=[42])(lambda: 1)
    client.shutdown(timeout=0.1)


def test_a_key_read_with_its_line_break_still_sends_and_one_that_cannot_be_a_header_fails_at_start_up(
    arc_server: ArcServer, ingest_key: str
) -> None:
    # As from a file or a secret store: the line break is no part of the key, as HTTP trims it.
    client = _client(arc_server, f"{ingest_key}\n", max_send_attempts=1)

    @client.track
    def fails() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fails()
    client.shutdown(timeout=5.0)
    stats = client.stats().transport
    assert (stats.sent, stats.failed, stats.last_error) == (1, 0, None)
    with pytest.raises(TypeError, match="api_key"):
        ArcClient(ArcConfig(api_key="arc_one\ntwo", endpoint="http://127.0.0.1:9"))


def test_per_function_state_is_kept_for_at_most_max_functions_names_and_the_other_calls_still_run_and_are_sent(
    arc_server: ArcServer, ingest_key: str
) -> None:
    with pytest.raises(TypeError, match="max_functions"):
        ArcClient(ArcConfig(api_key="k", endpoint="http://127.0.0.1:9", max_functions=0))
    client = _client(arc_server, ingest_key, fixes=True, fix_poll_interval=3600.0, success_sample_rate=0.0, max_functions=2)
    prefix = _name("handler")
    # A name built per request: each call tracks a new one.
    results = [client.track(f"{prefix}-{n}")(lambda x: x * 10)(n) for n in range(1, 5)]
    assert results == [10, 20, 30, 40]

    def fails() -> None:
        raise RuntimeError("host error")

    with pytest.raises(RuntimeError, match="host error"):
        client.track(f"{prefix}-5")(fails)()
    kept = [f"{prefix}-1", f"{prefix}-2"]
    stats = client.stats()
    assert sorted(stats.functions) == kept
    assert stats.over_limit_calls == 3
    assert client.registration(f"{prefix}-3") is None
    assert client._fix_cache is not None and sorted(client._fix_cache._fixes) == kept  # what is polled
    client.shutdown(timeout=5.0)
    # Four aggregate success events and the failure, all sent; the failure grouped on the server.
    assert (client.stats().transport.sent, client.stats().internal_errors) == (5, 0)
    wait_until(lambda: len(arc_server.patterns(f"{prefix}-5")) == 1, what="the over-limit failure's pattern")


def test_success_counts_waiting_for_a_flush_cover_at_most_max_queue_groups_and_past_it_move_to_the_queue(
    arc_server: ArcServer, ingest_key: str
) -> None:
    client = _client(arc_server, ingest_key, success_sample_rate=0.0, max_queue=3, max_functions=1, flush_interval=60.0)
    prefix = _name("per.request")
    # Names built per request: each call its own aggregate. The queue keeps the newest events.
    assert [client.track(f"{prefix}.{n}")(lambda n=n: n)() for n in range(10)] == list(range(10))
    stats = client.stats()
    assert (stats.transport.queued, stats.transport.dropped, stats.over_limit_calls) == (3, 6, 9)
    client.shutdown(timeout=5.0)
    stats = client.stats()
    assert (stats.transport.sent, stats.transport.dropped, stats.transport.failed) == (3, 7, 0)


def test_generator_functions_stay_generators_and_count_when_their_iteration_ends(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key)
    closed: list[str] = []
    prefix = _name("gen")

    @client.track(f"{prefix}.count")
    def count(n: int) -> Any:
        yield from range(n)
        return "done"

    @client.track(f"{prefix}.echo")
    def echo() -> Any:
        received = yield "ready"
        try:
            while True:
                try:
                    received = yield received
                except ValueError:
                    received = "caught"
        finally:
            closed.append("echo")

    error = RuntimeError("host error")

    @client.track(f"{prefix}.broken")
    def broken() -> Any:
        yield 1
        raise error

    assert inspect.isgeneratorfunction(count) and inspect.isgeneratorfunction(echo)
    counter = count(3)
    assert next(counter) == 0
    assert f"{prefix}.count" not in client.stats().functions  # not a success before the generator ran
    assert list(counter) == [1, 2]
    with pytest.raises(StopIteration) as stopped:
        next(count(0))
    assert stopped.value.value == "done"
    echoing = echo()
    assert next(echoing) == "ready"
    assert echoing.send(5) == 5
    assert echoing.throw(ValueError("in")) == "caught"
    echoing.close()
    assert closed == ["echo"]
    breaking = broken()
    assert next(breaking) == 1
    with pytest.raises(RuntimeError) as raised:
        next(breaking)
    assert raised.value is error
    functions = client.stats().functions
    assert (functions[f"{prefix}.count"].successes, functions[f"{prefix}.count"].failures) == (2, 0)
    assert f"{prefix}.echo" not in functions  # closed before its end: neither
    assert (functions[f"{prefix}.broken"].successes, functions[f"{prefix}.broken"].failures) == (0, 1)
    with pytest.raises(TypeError, match="generator"):
        client.track(validators=[Invoice])(count.__wrapped__)  # type: ignore[attr-defined]
    client.shutdown(timeout=5.0)


def test_async_generator_functions_stay_async_generators_and_count_when_their_iteration_ends(
    arc_server: ArcServer, ingest_key: str
) -> None:
    client = _client(arc_server, ingest_key)
    closed: list[str] = []
    prefix = _name("agen")
    error = RuntimeError("host error")

    @client.track(f"{prefix}.count")
    async def count(n: int) -> Any:
        for i in range(n):
            yield i

    @client.track(f"{prefix}.echo")
    async def echo() -> Any:
        received = yield "ready"
        try:
            while True:
                try:
                    received = yield received
                except ValueError:
                    received = "caught"
        finally:
            closed.append("echo")

    @client.track(f"{prefix}.broken")
    async def broken() -> Any:
        yield 1
        raise error

    async def main() -> None:
        assert inspect.isasyncgenfunction(count) and inspect.isasyncgenfunction(echo)
        counter = count(3)
        assert await counter.__anext__() == 0
        assert f"{prefix}.count" not in client.stats().functions
        assert [i async for i in counter] == [1, 2]
        echoing = echo()
        assert await echoing.__anext__() == "ready"
        assert await echoing.asend(5) == 5
        assert await echoing.athrow(ValueError("in")) == "caught"
        await echoing.aclose()
        assert closed == ["echo"]
        breaking = broken()
        assert await breaking.__anext__() == 1
        with pytest.raises(RuntimeError) as raised:
            await breaking.__anext__()
        assert raised.value is error

    asyncio.run(main())
    functions = client.stats().functions
    assert (functions[f"{prefix}.count"].successes, functions[f"{prefix}.count"].failures) == (1, 0)
    assert f"{prefix}.echo" not in functions
    assert (functions[f"{prefix}.broken"].successes, functions[f"{prefix}.broken"].failures) == (0, 1)
    client.shutdown(timeout=5.0)


@pytest.mark.parametrize("disabled", [False, True])
def test_a_class_is_refused_where_it_is_tracked_not_turned_into_a_function(disabled: bool) -> None:
    """Its wrapper was a function: isinstance(x, Invoice) and class Sub(Invoice) raised in the host, later
    and only with Arc enabled. Refused at once, enabled or not, the host learns it where it wrote it."""
    client = ArcClient(ArcConfig(disabled=True) if disabled else ArcConfig(api_key="arc_test", endpoint="http://127.0.0.1:9"))

    class Invoice:
        def __init__(self, total: int) -> None:
            self.total = total

    with pytest.raises(TypeError, match=r"Invoice is a class"):
        client.track(Invoice)
    with pytest.raises(TypeError, match=r"Invoice is a class"):
        client.track("invoice.build")(Invoice)
    client.shutdown(timeout=1.0)


def test_a_disabled_client_returns_the_function_itself() -> None:
    client = ArcClient(ArcConfig(disabled=True))

    def f() -> int:
        return 1

    assert client.track(f) is f


async def test_async_validators_are_bounded_in_time_and_parse_must_not_be_async(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key, validator_timeout=0.05)
    never = asyncio.Event()

    async def slow(output: Any) -> bool:
        await never.wait()
        return True

    @client.track(validators=[slow], throw_on_invalid=True)
    async def answer() -> int:
        return 1

    with pytest.raises(arc.ValidationError, match="did not answer within"):
        await answer()

    async def parse(text: str) -> Any:
        return text

    @client.track(parse=parse, throw_on_invalid=True)
    def text() -> str:
        return "x"

    with pytest.raises(TypeError, match="parse returned an awaitable"):
        text()
    await client.ashutdown(timeout=5.0)


class HostileError(Exception):
    """An exception whose text and attributes cannot be read."""

    def __str__(self) -> str:
        raise RuntimeError("no str")

    @property
    def status_code(self) -> int:
        raise RuntimeError("no status")


def test_hostile_exceptions_and_hooks_stay_the_hosts_own(arc_server: ArcServer, ingest_key: str) -> None:
    hooked: list[BaseException] = []

    def hook(error: BaseException) -> None:
        hooked.append(error)
        raise RuntimeError("the host's hook fails too")

    client = _client(arc_server, ingest_key, on_internal_error=hook, success_sample_rate=1.0)
    error = HostileError()

    @client.track
    def fails() -> None:
        raise error

    @client.track(input=lambda x: 1 / 0)
    def recorded(x: int) -> int:
        return x

    with pytest.raises(HostileError) as info:
        fails()
    assert info.value is error
    assert recorded(5) == 5
    client.shutdown(timeout=5.0)
    assert client.stats().functions["test_hostile_exceptions_and_hooks_stay_the_hosts_own.<locals>.fails"].failures == 1
    assert hooked and all(isinstance(e, ZeroDivisionError) for e in hooked)


def test_async_hooks_arc_does_not_await_are_reported_not_left_unawaited(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key, success_sample_rate=1.0)
    ran: list[str] = []

    async def on_call(info: Any) -> None:
        ran.append("on_call")

    async def call_id(x: int) -> str:
        ran.append("call_id")
        return "id"

    async def recorded(x: int) -> Any:
        ran.append("input")
        return x

    @client.track(on_call=on_call, call_id=call_id, input=recorded)  # type: ignore[arg-type]  # typed sync, as a host may not heed
    def double(x: int) -> int:
        return 2 * x

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert double(4) == 8
        client.flush()
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)] == []
    assert ran == []
    # Each coroutine closed unrun and reported; call_id's also for naming no call.
    assert client.stats().internal_errors == 4
    client.shutdown(timeout=5.0)


def test_an_error_code_the_server_would_refuse_is_left_out_so_no_batch_is_lost(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key)

    class Coded(Exception):
        code = 10**400  # JSON's reader makes it Infinity, which is no integer

    @client.track
    def coded() -> None:
        raise Coded("huge code")

    @client.track
    def plain() -> None:
        raise ValueError("plain")

    for fn in (coded, plain):
        with pytest.raises(Exception):
            fn()
    client.shutdown(timeout=5.0)
    stats = client.stats().transport
    assert (stats.sent, stats.failed, stats.last_error) == (2, 0, None)


def test_tags_the_server_would_refuse_are_refused_at_track_time_so_no_batch_is_lost(arc_server: ArcServer, ingest_key: str) -> None:
    # Successes travel as aggregate events, which add Arc's count tag to the function's tags.
    client = _client(arc_server, ingest_key, success_sample_rate=0.0)

    def many(n: int) -> dict[str, str]:
        return {f"t{i}": "v" for i in range(n)}

    refused: list[dict[str, Any]] = [many(60), {"retries": 3}, {"k" * 201: "v"}, {"arc.count": "1000"}, {"canary": "treatment"}]
    for tags in refused:
        with pytest.raises(TypeError, match="tags"):
            client.track(_name("tagged"), tags=tags)(lambda: 1)

    @client.track(_name("tagged"), tags=many(59))
    def tagged() -> int:
        return 1

    @client.track
    def other() -> None:
        raise RuntimeError("boom")

    tagged()
    with pytest.raises(RuntimeError, match="boom"):
        other()
    client.shutdown(timeout=5.0)
    stats = client.stats().transport
    assert (stats.sent, stats.failed, stats.dropped, stats.last_error) == (2, 0, 0, None)


def test_an_output_schema_past_the_servers_bounds_is_refused_at_track_time() -> None:
    client = ArcClient(ArcConfig(api_key="k", endpoint="http://127.0.0.1:9", fixes=False, flush_interval=60.0))
    # The server counts JSON text as JavaScript does, in UTF-16 code units: an emoji is two of them.
    emoji = "\U0001f600" * 17_000
    with pytest.raises(TypeError, match="at most 32768 characters as JSON"):
        client.track(output_schema={"description": emoji})(lambda: 1)
    nested: dict[str, Any] = {"type": "object"}
    for _ in range(40):
        nested = {"type": "object", "properties": {"a": nested}}
    with pytest.raises(TypeError, match="deeper than"):
        client.track(output_schema=nested)(lambda: 1)
    assert client.track(output_schema={"description": "\U0001f600" * 16_000})(lambda: 1)() == 1
    # A short email's placeholder is longer than the email: the schema is bounded as it is sent.
    with pytest.raises(TypeError, match="redacted as it is sent, must be at most 32768 characters as JSON"):
        client.track(output_schema={"description": "a@b.co " * 3000})(lambda: 1)
    client.shutdown(timeout=0.5)


def test_cancelling_the_call_reaches_the_host_and_a_validators_own_cancellation_does_not(arc_server: ArcServer, ingest_key: str) -> None:
    client = _client(arc_server, ingest_key)
    started = asyncio.Event()

    async def hangs(output: Any) -> bool:
        started.set()
        await asyncio.sleep(3600)
        return True

    async def cancels_itself(output: Any) -> bool:
        raise asyncio.CancelledError("the validator's own")

    @client.track(_name("waits"), validators=[hangs])
    async def waits() -> int:
        return 1

    @client.track(_name("judged"), validators=[cancels_itself])
    async def judged() -> int:
        return 2

    async def main() -> None:
        call = asyncio.ensure_future(waits())
        await started.wait()
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert await judged() == 2

    asyncio.run(main())
    client.shutdown(timeout=5.0)
    failures = {name.split(".")[0]: counts.failures for name, counts in client.stats().functions.items()}
    assert failures.get("waits", 0) == 0 and failures["judged"] == 1
    assert client.stats().internal_errors == 0
