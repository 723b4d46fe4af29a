"""Round inputs generated one block ahead on a helper thread, while the processes measure."""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from harness.sandbox.messages import RoundInput

InputBlock = list[tuple[list[Any], RoundInput]]  # (arguments, their JSON form) per round


class BlockInputs:
    def __init__(self, arguments: Callable[[int, int], list[Any]], rounds: int) -> None:
        self._arguments, self._rounds = arguments, rounds
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="harness-inputs")
        self._pending: dict[int, Future[InputBlock]] = {}

    def get(self, block: int) -> InputBlock:
        future = self._pending.pop(block, None) or self._executor.submit(self._make, block)
        self._pending[block + 1] = self._executor.submit(self._make, block + 1)
        return future.result()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _make(self, block: int) -> InputBlock:
        prepared = []
        for index in range(self._rounds):
            arguments = self._arguments(block, index)
            prepared.append((arguments, RoundInput.of(arguments)))
        return prepared
