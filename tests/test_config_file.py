"""Every TOML file harness reads goes through one reader: an error is one line naming the file,
the key, its line and, for an unknown key, the keys allowed there."""

from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.loop.command import build_settings
from harness.targets.loader import load_target

REPO_TOML = """[[target]]
name = "sq"
entry = "sq.core:squares"
editable = ["sq/core.py"]
signature = "squares(xs: list[int]) -> list[int]"
description = "squares"
output_type = "list[int]"

[target.limits]
call_timeout_secs = 3
"""


def _message(call: object) -> str:
    with pytest.raises(ConfigError) as caught:
        call()  # type: ignore[operator]
    return str(caught.value)


def test_a_settings_file_names_the_nested_key_its_line_and_the_allowed_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('optimizer = "fake:x.json"\n\n[bench]\nmax_roundz = 3\n')
    message = _message(lambda: build_settings({}, path))
    assert message.startswith(f"{path}: unknown key [bench] 'max_roundz' (line 4); allowed: ")
    assert "max_rounds" in message and "\n" not in message


def test_a_bad_value_from_a_flag_names_the_flags_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('optimizer = "fake:x.json"\nrounds = 2\n')
    assert _message(lambda: build_settings({"rounds": 0}, path)).startswith("flags: rounds: ")
    path.write_text('optimizer = "fake:x.json"\nrounds = 0\n')
    assert _message(lambda: build_settings({}, path)).startswith(f"{path}: rounds (line 2): ")


def test_harness_toml_names_the_table_of_the_target_and_the_line(tmp_path: Path) -> None:
    (tmp_path / "sq").mkdir()
    (tmp_path / "sq" / "core.py").write_text("def squares(xs):\n    return xs\n")
    (tmp_path / "harness.toml").write_text(REPO_TOML)
    message = _message(lambda: load_target(str(tmp_path)))
    assert message.startswith(
        f"{tmp_path / 'harness.toml'}: unknown key [target.limits] 'call_timeout_secs' (line 10);"
    )
    assert "call_timeout_seconds" in message


def test_a_file_that_is_not_toml_says_so(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("rounds = = 2\n")
    assert _message(lambda: build_settings({}, path)).startswith(f"{path}: not valid TOML: ")
    assert _message(lambda: build_settings({}, tmp_path / "none.toml")).startswith("cannot read")


def test_then_adds_stages_after_the_files_and_a_stage_table_names_its_bad_key(
    tmp_path: Path,
) -> None:
    from harness.loop.stages import plan

    path = tmp_path / "settings.toml"
    path.write_text('optimizer = "fake:a.json"\nrounds = 2\n[[stage]]\ntemperature = 0.3\n')
    settings = build_settings({"optimizer": ["fake:a.json", "fake:b.json"]}, path, ["fake:c.json"])
    first, second = plan(settings)
    assert first.optimizers == ("fake:a.json", "fake:b.json") and first.temperature == 0.3
    assert second.optimizers == ("fake:c.json",) and second.rounds == 2
    assert len(plan(build_settings({"optimizer": ["fake:a.json"]}, None, ["fake:b.json"]))) == 2
    path.write_text('optimizer = "fake:a.json"\n[[stage]]\nroundz = 1\n')
    message = _message(lambda: build_settings({}, path))
    assert message.startswith(f"{path}: unknown key [stage] 'roundz'") and "rounds" in message
