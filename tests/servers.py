"""Small HTTP servers on 127.0.0.1 that speak the OpenAI chat-completions, OpenAI responses and
Anthropic messages wire protocols (streamed when asked), with scripted answers and injected faults.
The real SDKs and agent CLIs talk to them."""

import json
import threading
import time
from collections.abc import Callable, Iterator
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
    APIs send), as from a model that refuses a setting. An agent's requests on the side (a title
    for the session, a check of its quota) are answered by `side`, when it returns an answer for
    them, without taking a step; they are kept apart in `side_requests`."""

    steps: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    timeout_seconds: float = 3.0
    refuse: set[str] = field(default_factory=set)
    refuse_status: int = 400
    side: Callable[[dict[str, Any]], str | None] = lambda request: None
    side_requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_step(self, request: dict[str, Any]) -> str:
        with self.lock:
            aside = self.side(request)
            if aside is not None:
                self.side_requests.append(request)
                return aside
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
        call: dict[str, Any] = {"id": f"call_{time.monotonic_ns()}", "type": "function"}
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


def tool_names(request: dict[str, Any]) -> set[str]:
    return {
        str(tool.get("name") or (tool.get("function") or {}).get("name"))
        for tool in request.get("tools") or []
    }


def _anthropic_content(text: str, request: dict[str, Any]) -> list[dict[str, Any]]:
    """A tool the request forces is called, as the API does, with the scripted JSON object as its
    input; a scripted answer that is no JSON object stays text (a model ignoring the tool). A
    step `bash:COMMAND` calls the request's `Bash` tool, as Claude Code's model does."""
    if text.startswith("bash:") and "Bash" in tool_names(request):
        command = {"command": text.removeprefix("bash:"), "description": "Run a command"}
        return [{"type": "tool_use", "id": f"toolu_{time.monotonic_ns()}", "name": "Bash",
                 "input": command}]  # fmt: skip
    choice = request.get("tool_choice") or {}
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if choice.get("type") == "tool" and isinstance(data, dict):
        return [{"type": "tool_use", "id": "toolu_test", "name": choice["name"], "input": data}]
    return [{"type": "text", "text": text}] if text else []


def _anthropic_events(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The message as the API streams it: each block opened, filled and closed."""
    start = dict(
        message, content=[], stop_reason=None, usage=dict(message["usage"], output_tokens=1)
    )
    events: list[dict[str, Any]] = [{"type": "message_start", "message": start}]
    for index, block in enumerate(message["content"]):
        if block["type"] == "tool_use":
            opened = dict(block, input={})
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
        else:
            opened, delta = (
                {"type": "text", "text": ""},
                {"type": "text_delta", "text": block["text"]},
            )
        events += [
            {"type": "content_block_start", "index": index, "content_block": opened},
            {"type": "content_block_delta", "index": index, "delta": delta},
            {"type": "content_block_stop", "index": index},
        ]
    ending = {"stop_reason": message["stop_reason"], "stop_sequence": None}
    usage = {"output_tokens": message["usage"]["output_tokens"]}
    return [
        *events,
        {"type": "message_delta", "delta": ending, "usage": usage},
        {"type": "message_stop"},
    ]


def _responses_body(text: str, model: str, request: dict[str, Any]) -> dict[str, Any]:
    """A response of the OpenAI responses API: the scripted text as a message, or for a step
    `bash:COMMAND` a call of the shell tool the request offers (as Codex CLI's model makes)."""
    if text.startswith("bash:"):
        command = text.removeprefix("bash:")
        name, arguments = (
            ("exec_command", {"cmd": command})
            if "exec_command" in tool_names(request)
            else ("shell", {"command": ["bash", "-lc", command]})
        )
        call_id = f"call_{time.monotonic_ns()}"
        item: dict[str, Any] = {"type": "function_call", "id": f"fc_{call_id}", "call_id": call_id,
                                "name": name, "arguments": json.dumps(arguments),
                                "status": "completed"}  # fmt: skip
    else:
        content = [{"type": "output_text", "text": text, "annotations": []}]
        item = {"type": "message", "id": "msg_test", "role": "assistant", "status": "completed",
                "content": content}  # fmt: skip
    usage = {
        "input_tokens": 17,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": len(text.split()),
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 17 + len(text.split()),
    }
    return {"id": f"resp_{time.monotonic_ns()}", "object": "response", "status": "completed",
            "model": model, "output": [item], "usage": usage}  # fmt: skip


def _responses_events(response: dict[str, Any]) -> list[dict[str, Any]]:
    started = dict(response, status="in_progress", output=[])
    events: list[dict[str, Any]] = [{"type": "response.created", "response": started}]
    for index, item in enumerate(response["output"]):
        events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    return [*events, {"type": "response.completed", "response": response}]


def _openai_events(completion: dict[str, Any]) -> list[dict[str, Any]]:
    """The completion as chunks: the whole message in one delta, then the usage."""
    choice = completion["choices"][0]
    chunk = {key: completion[key] for key in ("id", "created", "model")}
    chunk["object"] = "chat.completion.chunk"
    delta = {"index": 0, "delta": choice["message"], "finish_reason": choice["finish_reason"]}
    return [dict(chunk, choices=[delta]), dict(chunk, choices=[], usage=completion["usage"])]


@dataclass(frozen=True)
class Protocol:
    route: str
    body: Callable[[str, str, dict[str, Any]], dict[str, Any]]
    events: Callable[[dict[str, Any]], list[dict[str, Any]]]
    suffix: str  # of the base URL a client is given
    named_events: bool  # each SSE event preceded by `event: TYPE` (the OpenAI chunks are not)


PROTOCOLS = {
    "openai": Protocol("/v1/chat/completions", _openai_body, _openai_events, "/v1", False),
    "anthropic": Protocol("/v1/messages", _anthropic_body, _anthropic_events, "", True),
    "responses": Protocol("/v1/responses", _responses_body, _responses_events, "/v1", True),
}


def _handler(script: Script, protocol: Protocol) -> type[BaseHTTPRequestHandler]:
    path, body = protocol.route, protocol.body

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            if self.path.split("?")[0].rstrip("/").endswith("/models"):  # agents list them
                self._send(200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            request = json.loads(self.rfile.read(length) or b"{}")
            if self.path.split("?")[0].rstrip("/") != path:
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
                answer = body("" if step == "empty" else step, model, request)
                if request.get("stream"):
                    self._stream(protocol.events(answer))
                else:
                    self._send(200, answer)

        def _stream(self, events: list[dict[str, Any]]) -> None:
            lines = []
            for event in events:
                named = f"event: {event['type']}\n" if protocol.named_events else ""
                lines.append(f"{named}data: {json.dumps(event)}\n\n")
            if not protocol.named_events:
                lines.append("data: [DONE]\n\n")
            self.close_connection = True
            self._send_raw(200, "".join(lines).encode(), {}, "text/event-stream")

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            self._send_raw(status, json.dumps(payload).encode(), headers)

        def _send_raw(
            self,
            status: int,
            data: bytes,
            headers: dict[str, str] | None = None,
            content_type: str = "application/json",
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("content-type", content_type)
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
    """Run a server for `protocol` ("openai", "anthropic" or "responses"); yields its base URL."""
    chosen = PROTOCOLS[protocol]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script, chosen))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{chosen.suffix}"
    finally:
        server.shutdown()
        server.server_close()
