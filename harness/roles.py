"""The roles on one screen. Each interface lives beside its implementations:

- `Provider` (`harness.providers.base`): a model behind `PROVIDER:MODEL`.
- `Optimizer`, `Validator` (`harness.loop.base`): the two model roles of a session, played by a
  model (`harness.loop.optimizer`, `harness.loop.validator`) or a coding agent (`harness.agents`).
- `Evaluator` (`harness.verify.base`): the verdict on a candidate, `harness.verify.gate.Verifier`.
- `Benchmark` (`harness.bench.base`): contenders timed side by side.
- `Store` (`harness.store.base`): the experiment store.
"""

from harness.bench.base import Benchmark
from harness.loop.base import Optimizer, Validator
from harness.providers.base import Provider
from harness.store.base import Store
from harness.verify.base import Evaluator

__all__ = ["Benchmark", "Evaluator", "Optimizer", "Provider", "Store", "Validator"]
