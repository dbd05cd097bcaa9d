"""A local HTTP server speaking OpenAI's chat-completions protocol (as
examples/src/chat-completions-server.fixture.ts does for the TypeScript tests): it records every
request and answers what the test's handler says, streamed as server-sent events when asked."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from .local_http import LocalHttpServer


@dataclass
class Reply:
    content: str | None = None
    status: int = 200
    raw: str | None = None
    """Sent as is instead of a completion (with ``status``)."""
    headers: dict[str, str] | None = None


class ChatCompletionsServer:
    def __init__(self, reply: Callable[[dict[str, Any]], Reply]) -> None:
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                outer.requests.append(body)
                answer = reply(body)
                if answer.raw is not None:
                    payload = answer.raw.encode()
                elif body.get("stream"):
                    payload = self._stream(body, answer)
                else:
                    payload = json.dumps(
                        {
                            "id": f"chatcmpl-{len(outer.requests)}",
                            "object": "chat.completion",
                            "created": 1,
                            "model": body.get("model"),
                            "choices": [
                                {"index": 0, "message": {"role": "assistant", "content": answer.content}, "finish_reason": "stop"}
                            ],
                            "usage": {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8},
                        }
                    ).encode()
                self.send_response(answer.status)
                kind = "text/event-stream" if body.get("stream") and answer.raw is None else "application/json"
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(payload)))
                for key, value in (answer.headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, body: dict[str, Any], answer: Reply) -> bytes:
                chunks = []
                for piece in (answer.content or "").split(" "):
                    delta = {"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": body.get("model"),
                             "choices": [{"index": 0, "delta": {"content": piece + " "}, "finish_reason": None}]}
                    chunks.append(f"data: {json.dumps(delta)}\n\n")
                chunks.append("data: [DONE]\n\n")
                return "".join(chunks).encode()

        self._http = LocalHttpServer(Handler)
        self.url = f"{self._http.url}/v1"

    def close(self) -> None:
        self._http.close()
