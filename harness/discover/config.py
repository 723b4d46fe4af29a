"""`harness.toml` as text: what `harness init` writes."""

from harness.targets.repo_config import RepoConfig
from harness.toml_text import dumps


def render(config: RepoConfig) -> str:
    """TOML text for `config`; the defaults are written out so the file documents itself."""
    comment = "Written by `harness init`; edit freely. See README 'Repository targets'."
    return dumps(config.model_dump(), comment)
