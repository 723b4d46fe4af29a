"""Model calls as MLflow traces, linked to the candidate's run.

Calls are recorded after the fact from the session's records (prompt, answer, tokens, timing),
so every provider (openai, anthropic, local, fake) is traced the same way, with explicit spans.
"""

import time
from typing import TYPE_CHECKING

from harness.records import ModelCall

if TYPE_CHECKING:
    from mlflow import MlflowClient


def log_calls(client: "MlflowClient", experiment: str, run_id: str, calls: list[ModelCall]) -> None:
    from mlflow.entities import SpanType

    for call in calls:
        # Journals written before calls kept their start time: end them now.
        start_ns = int(call.started_at * 1e9) or time.time_ns() - int(call.seconds * 1e9)
        end_ns = start_ns + int(call.seconds * 1e9)
        span = client.start_trace(
            f"{call.role} {call.provider}",
            span_type=SpanType.CHAT_MODEL,
            inputs={"messages": [{"role": "user", "content": call.prompt}]},
            attributes={"provider": call.provider, "prompt_version": call.prompt_version},
            tags={"harness.role": call.role},
            experiment_id=experiment,
            start_time_ns=start_ns,
            run_id=run_id,
        )
        usage = {
            "input_tokens": call.input_tokens,
            "output_tokens": call.output_tokens,
            "total_tokens": call.input_tokens + call.output_tokens,
        }
        client.end_trace(
            span.trace_id,
            outputs={"answer": call.answer, "error": call.error},
            attributes={
                "mlflow.chat.tokenUsage": usage,
                "cost_usd": call.cost_usd,
                "note": call.note,
            },
            status="ERROR" if call.error else "OK",
            end_time_ns=end_ns,
        )
