"""`harness tune`: Optuna searches session settings (models, temperature, candidates, rounds,
prompt strategy, answer format, validator veto) for the best speedup, speedup per dollar, or
both. Optuna is imported only when a study runs.

From Python: `tune(TuneRequest(target, load_space(path)))` runs trials and returns the study;
`show(storage, study)` writes the trials' CSV and the best settings' TOML. A fresh study's trial 0
runs the default settings; a trial whose worker died is retried (`Heartbeat`).
"""

from harness.tune.objective import OBJECTIVES, Objective
from harness.tune.show import show
from harness.tune.space import TuneSpace, load_space
from harness.tune.study import Heartbeat, TuneRequest, tune

__all__ = [
    "OBJECTIVES",
    "Heartbeat",
    "Objective",
    "TuneRequest",
    "TuneSpace",
    "load_space",
    "show",
    "tune",
]
