"""Small HTTP servers on 127.0.0.1 that speak the OpenAI chat-completions and Anthropic messages
wire protocols, with scripted answers and injected faults. The real SDKs talk to them."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Faults: "400", "429", "500", "503", "timeout" (answer too late), "drop" (close without
# answering), "garbage" (200 with a body that is not JSON), "empty" (a valid answer with no text).
FAULTS = {"400", "429", "500", "503", "timeout", "drop", "garbage", "empty"}


@dataclass
class Script:
    """Answers in order; a fault in the list is served instead of the next answer. A request
    carrying a body key in `refuse` gets an error naming it (`refuse_status`, 400 as the hosted
    APIs send), as from a model that refuses a setting."""

    steps: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    timeout_seconds: float = 3.0
    refuse: set[str] = field(default_factory=set)
    refuse_status: int = 400
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_step(self, request: dict[str, Any]) -> str:
        with self.lock:
            self.requests.append(request)
            refused = sorted(self.refuse & request.keys())
            if refused:
                return f"refuse:{refused[0]}"
            return self.steps.pop(0) if self.steps else "no answer scripted"


def _openai_body(text: str, model: str, request: dict[str, Any]) -> dict[str, Any]:
    """A step `bash:COMMAND` is a call of the request's `bash` tool, as an agent's model makes."""
    message: dict[str, Any] = {"role": "assistant", "content": text}
    finish = "stop"
    if text.startswith("bash:"):
        arguments = json.dumps({"command": text.removeprefix("bash:")})
        call = {"id": f"call_{time.monotonic_ns()}", "type": "function"}
        call["function"] = {"name": "bash", "arguments": arguments}
        message, finish = {"role": "assistant", "content": "", "tool_calls": [call]}, "tool_calls"
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": {
            "prompt_tokens": 11,
            "completion_tokens": len(text.split()),
            "total_tokens": 11 + len(text.split()),
        },
    }


def _anthropic_body(text: str, model: str, request: dict[str, Any]) -> dict[str, Any]:
    content = _anthropic_content(text, request)
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": "tool_use" if any(b["type"] == "tool_use" for b in content) else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 13, "output_tokens": len(text.split())},
    }


def _anthropic_content(text: str, request: dict[str, Any]) -> list[dict[str, Any]]:
    """A tool the request forces is called, as the API does, with the scripted JSON object as its
    input; a scripted answer that is no JSON object stays text (a model ignoring the tool)."""
    choice = request.get("tool_choice") or {}
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if choice.get("type") == "tool" and isinstance(data, dict):
        return [{"type": "tool_use", "id": "toolu_test", "name": choice["name"], "input": data}]
    return [{"type": "text", "text": text}] if text else []


def _handler(script: Script, path: str, body: Any) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            request = json.loads(self.rfile.read(length) or b"{}")
            if self.path.rstrip("/") != path:
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            step = script.next_step({"path": self.path, "headers": dict(self.headers), **request})
            self._serve(step, request)

        def _serve(self, step: str, request: dict[str, Any]) -> None:
            model = request.get("model", "model")
            if step.startswith("refuse:"):
                message = f"`{step.removeprefix('refuse:')}` is not supported with this model."
                error = {"error": {"type": "invalid_request_error", "message": message}}
                self._send(script.refuse_status, error, {"retry-after": "0"})
            elif step in {"400", "429", "500", "503"}:
                self._send(
                    int(step),
                    {"error": {"type": "fault", "message": f"injected {step}"}},
                    {"retry-after": "0"},
                )
            elif step == "timeout":
                time.sleep(script.timeout_seconds + 1)
                self._send(200, body("too late", model, request))
            elif step == "drop":
                self.close_connection = True
                self.connection.close()
            elif step == "garbage":
                self._send_raw(200, b"<html>not json")
            else:
                self._send(200, body("" if step == "empty" else step, model, request))

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            self._send_raw(status, json.dumps(payload).encode(), headers)

        def _send_raw(
            self, status: int, data: bytes, headers: dict[str, str] | None = None
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

    return Handler


@contextmanager
def serve(protocol: str, script: Script) -> Iterator[str]:
    """Run a server for `protocol` ("openai" or "anthropic"); yields its base URL."""
    route, body, suffix = {
        "openai": ("/v1/chat/completions", _openai_body, "/v1"),
        "anthropic": ("/v1/messages", _anthropic_body, ""),
    }[protocol]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script, route, body))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{suffix}"
    finally:
        server.shutdown()
        server.server_close()
