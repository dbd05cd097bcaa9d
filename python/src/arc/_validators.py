"""Output validators (packages/sdk/src/validators.ts): a pydantic model class, a pydantic
``TypeAdapter``, or a callable ``(output) -> True | str | False`` (optionally ``(output, arguments)``).
A failed validator turns a call into a failure event even though nothing raised, which is how Arc
sees the silent failures of agents (wrong JSON, missing fields). A validator that raises is a failed
validation, never an exception in the host's call.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Union

import pydantic

Validator = Union[type[pydantic.BaseModel], "pydantic.TypeAdapter[Any]", Callable[..., Any]]


@dataclass(frozen=True)
class Issue:
    path: str
    message: str


class ValidationError(Exception):
    """Raised to the caller only when ``throw_on_invalid`` asks for it; ``issues`` says what failed."""

    def __init__(self, message: str, issues: Sequence[Issue]) -> None:
        super().__init__(message)
        self.issues = tuple(issues)


def failure(issues: Sequence[Issue]) -> ValidationError:
    parts = "; ".join(f"{i.path}: {i.message}" for i in issues)
    return ValidationError(f"output failed validation: {parts}", issues)


# A verdict names at most this many issues: the rest only inflate every event.
MAX_ISSUES = 50


def _pydantic_issues(error: pydantic.ValidationError) -> list[Issue]:
    return [Issue(".".join(str(p) for p in e["loc"]) or "(root)", str(e["msg"])) for e in error.errors()[:MAX_ISSUES]]


def timed_out(seconds: float) -> ValidationError:
    return failure([Issue("(validator)", f"validator did not answer within {seconds:g} s")])


def _thrown(error: BaseException) -> ValidationError:
    try:
        message = str(error)
    except Exception:
        message = "[unreadable error]"
    return failure([Issue("(validator)", f"validator threw: {message}")])


def _verdict(result: Any) -> ValidationError | None:
    if result is True or result is None:
        return None
    return failure([Issue("(root)", result if isinstance(result, str) else "rejected by validator")])


@dataclass(frozen=True)
class CompiledValidator:
    run: Callable[[Any, dict[str, Any]], Any]
    """Returns None, a ValidationError, or an awaitable of either (async callables)."""


def takes_arguments(fn: Callable[..., Any]) -> bool:
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in parameters)


def _pydantic(validate: Callable[[Any], Any]) -> CompiledValidator:
    def run(output: Any, arguments: dict[str, Any]) -> Any:
        try:
            validate(output)
        except pydantic.ValidationError as error:
            return failure(_pydantic_issues(error))
        return None

    return CompiledValidator(run)


def compile_validator(validator: Any) -> CompiledValidator:
    """Checks a validator once, when the function is tracked (a TypeError names what is wrong)."""
    if isinstance(validator, type) and issubclass(validator, pydantic.BaseModel):
        return _pydantic(validator.model_validate)
    if isinstance(validator, pydantic.TypeAdapter):
        return _pydantic(validator.validate_python)
    if callable(validator):
        fn = validator
        with_arguments = takes_arguments(fn)

        def run_callable(output: Any, arguments: dict[str, Any]) -> Any:
            result = fn(output, arguments) if with_arguments else fn(output)
            if inspect.isawaitable(result):
                return _Pending(result)
            return _verdict(result)

        return CompiledValidator(run_callable)
    raise TypeError("a validator is a pydantic model class, a pydantic TypeAdapter or a callable")


def _being_cancelled() -> bool:
    """Whether the running task was asked to stop (before Python 3.11, which cannot tell: assumed so)."""
    task = asyncio.current_task()
    cancelling = getattr(task, "cancelling", None)
    return not callable(cancelling) or cancelling() > 0


class _Pending:
    """An async validator's verdict to come: awaited by async calls, closed unawaited by sync ones."""

    def __init__(self, result: Awaitable[Any]) -> None:
        self._result = result

    def __await__(self) -> Generator[Any, None, ValidationError | None]:
        return self._settle().__await__()

    async def _settle(self) -> ValidationError | None:
        try:
            return _verdict(await self._result)
        except Exception as error:
            return _thrown(error)
        except asyncio.CancelledError as error:
            # The call's cancellation is the host's and goes on; one the validator raised of its own
            # accord is a validator failing, which must not cancel the host's call.
            if _being_cancelled():
                raise
            return _thrown(error)

    def close(self) -> None:
        close = getattr(self._result, "close", None)
        if callable(close):
            close()


def run_one(validator: CompiledValidator, output: Any, arguments: dict[str, Any]) -> Any:
    try:
        return validator.run(output, arguments)
    except Exception as error:
        return _thrown(error)


def validator_list(validators: Any) -> list[CompiledValidator]:
    """Options take one validator or a list."""
    if validators is None:
        return []
    if isinstance(validators, (list, tuple)):
        return [compile_validator(v) for v in validators]
    return [compile_validator(validators)]
