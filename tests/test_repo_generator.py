"""A repository target's own input generator is asked for real sizes, not only size 0."""

import random
from pathlib import Path

from harness.targets.inputs import InputSource
from harness.targets.loader import load_target

GENERATOR = """def generate(rng, size):
    return [[rng.randint(-99, 99) for _ in range(size)]]


def edge_cases():
    return [[[]]]
"""


def _repo(root: Path, inputs: str = "") -> Path:
    (root / "sq").mkdir(parents=True)
    (root / "sq" / "__init__.py").write_text("")
    (root / "sq" / "core.py").write_text("def squares(xs):\n    return [x * x for x in xs]\n")
    (root / "gen.py").write_text(GENERATOR)
    (root / "harness.toml").write_text(
        '[[target]]\nname = "sq"\nentry = "sq.core:squares"\neditable = ["sq/core.py"]\n'
        'signature = "squares(xs: list[int]) -> list[int]"\ndescription = "squares"\n'
        f'output_type = "list[int]"\n\n[target.inputs]\ngenerator = "gen.py"\n{inputs}'
    )
    return root


def test_the_generator_makes_correctness_cases_and_timed_inputs_at_real_sizes(
    tmp_path: Path,
) -> None:
    target = load_target(str(_repo(tmp_path)))
    source, sizes = InputSource(target), target.config.inputs
    cases = source.random_cases(sizes.small_sizes, 1, "small")
    assert {len(case.args[0]) for case in cases} == {0, 1, 2, 3, 5, 8}
    assert [
        len(source.timing_arguments(random.Random(1), size)[0]) for size in sizes.bench_sizes
    ] == [200]


def test_the_sizes_are_the_users_to_choose(tmp_path: Path) -> None:
    target = load_target(str(_repo(tmp_path, "small_sizes = [4]\nbench_sizes = [50, 500]\n")))
    assert (target.config.inputs.small_sizes, target.config.inputs.bench_sizes) == ([4], [50, 500])
