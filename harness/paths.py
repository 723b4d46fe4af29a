"""Where harness keeps what it writes, and the names of the files it leaves in a repository."""

import os
from pathlib import Path

CONFIG_FILE = "harness.toml"
HARNESS_DIR = ".harness"  # recorded inputs and results; git-ignored
INPUTS_DIR = f"{HARNESS_DIR}/inputs"


def results_dir() -> Path:
    """Where runs write: $HARNESS_RESULTS; else, when run inside a repository prepared by
    `harness init`, its `.harness/results/` (git-ignored, so the working tree stays as it was);
    else ./results."""
    if "HARNESS_RESULTS" in os.environ:
        return Path(os.environ["HARNESS_RESULTS"]).resolve()
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file() and (folder / HARNESS_DIR).is_dir():
            return folder / HARNESS_DIR / "results"
    return here / "results"


def harness_home() -> Path:
    """What harness keeps between runs: the local models, the agents `make agents` installs
    ($HARNESS_HOME, default ~/.cache/harness)."""
    return Path(os.environ.get("HARNESS_HOME") or Path.home() / ".cache" / "harness").expanduser()
