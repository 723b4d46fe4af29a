"""Loading targets: validation, output types and equivalence rules."""

import math
from pathlib import Path

import numpy as np
import pytest

from harness.errors import ConfigError
from harness.sandbox.codec import Instance
from harness.targets.config import EquivalenceConfig
from harness.targets.equivalence import compare
from harness.targets.infer import infer_type
from harness.targets.loader import load_target
from harness.targets.types import parse_type, type_errors


def test_loads_a_target(squares_folder: Path) -> None:
    target = load_target(str(squares_folder))
    assert (target.name, target.function, target.arity) == ("squares", "squares", 1)
    assert target.reference_file.name == "squares.py" and target.reference_file.is_file()


def _edit(folder: Path, old: str, new: str) -> None:
    toml = folder / "target.toml"
    toml.write_text(toml.read_text().replace(old, new))


def test_unknown_key_names_file_key_line_and_allowed(squares_folder: Path) -> None:
    _edit(squares_folder, "cases_per_size = 2", "cases_per_size = 2\ncases_per_sise = 3")
    with pytest.raises(ConfigError) as error:
        load_target(str(squares_folder))
    message = str(error.value)
    assert "target.toml" in message and "'cases_per_sise'" in message and "[inputs]" in message
    assert "line 12" in message and "allowed: generator, small_sizes" in message


def test_unknown_top_level_key(squares_folder: Path) -> None:
    _edit(squares_folder, "output_type", "speed = 1\noutput_type")
    with pytest.raises(ConfigError, match=r"unknown key 'speed'.*allowed: description"):
        load_target(str(squares_folder))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('output_type = "list[int]"', 'output_type = "ndarray"', "output_type"),
        ('entry = "squares:squares"', 'entry = "squares"', "entry"),
        (
            'reference = "reference_impls/squares.py:squares"',
            'reference = "nope.py:f"',
            "not found",
        ),
        ("[inputs]", '[equivalence]\nrule = "fuzzy"\n\n[inputs]', "valid names: allclose"),
        ("bench_sizes = [500]", "", "missing key [inputs] 'bench_sizes'"),
        ("cases_per_size = 2", 'cases_per_size = "two"', "cases_per_size"),
    ],
)
def test_invalid_fields_are_refused(
    squares_folder: Path, old: str, new: str, expected: str
) -> None:
    _edit(squares_folder, old, new)
    with pytest.raises(ConfigError, match=r"target\.toml") as error:
        load_target(str(squares_folder))
    assert expected in str(error.value)


def test_unknown_target_lists_bundled_names() -> None:
    with pytest.raises(ConfigError, match=r"bundled target: .*pairwise_distances"):
        load_target("no_such_target")


@pytest.mark.parametrize(
    ("text", "value", "ok"),
    [
        ("list[list[float]]", [[1.0, 2.0]], True),
        ("list[list[float]]", [[1.0, 2]], False),
        ("list[tuple[str, int]]", [("a", 1)], True),
        ("list[tuple[str, int]]", [["a", 1]], False),
        ("list[tuple[str, int]]", [("a", True)], False),
        ("int", True, False),
        ("int", 3, True),
        ("tuple[int, ...]", (1, 2, 3), True),
        ("dict[str, int]", {"a": 1}, True),
        ("float | None", None, True),
    ],
)
def test_output_types_are_exact(text: str, value: object, ok: bool) -> None:
    assert (type_errors(value, parse_type(text)) is None) is ok


def test_type_errors_name_the_path_and_type() -> None:
    assert (
        type_errors([1.0, "x"], parse_type("list[float]")) == "output[1]: expected float, got str"
    )


def test_unsupported_type_is_a_config_error() -> None:
    for text in ["Point", "list[int, str]", "tuple[int, ...", "set[int, str]"]:
        with pytest.raises(ConfigError, match="unsupported output type"):
            parse_type(text)


def test_classes_arrays_and_sets_are_types_by_import_path() -> None:
    assert type_errors(np.zeros(2), parse_type("numpy.ndarray")) is None
    assert type_errors([1], parse_type("numpy.ndarray")) == (
        "output: expected numpy.ndarray, got list"
    )
    point = Instance("geo.shapes:Point", "object", None, {"x": 1})
    assert type_errors(point, parse_type("geo.shapes.Point | None")) is None
    assert type_errors({1, 2}, parse_type("set[int]")) is None
    assert type_errors({1, "a"}, parse_type("set[int]")) is not None


def test_exact_rule_tells_int_from_float() -> None:
    rule = EquivalenceConfig(rule="exact")
    assert compare([1, 2], [1, 2], rule) is None
    assert compare([1, 2], [1, 2.0], rule) == "output[1]: expected int, got float"


def test_allclose_rule_uses_tolerances() -> None:
    rule = EquivalenceConfig(rule="allclose", rtol=1e-9, atol=1e-9)
    assert compare([[1.0]], [[1.0 + 1e-12]], rule) is None
    assert compare([[1.0]], [[1.001]], rule) is not None
    assert compare([math.nan], [math.nan], rule) is None
    assert compare([1.0], [1.0, 2.0], rule) == "output: expected length 1, got 2"


def test_unordered_rule_ignores_order() -> None:
    rule = EquivalenceConfig(rule="unordered")
    assert compare([3, 1, 2], [1, 2, 3], rule) is None
    assert compare([3, 1, 2], [1, 2, 2], rule) is not None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2], "int"),
        ([1, None], "int | None"),
        ([[1], [], [2.0]], "list[int | float]"),
        ([[], []], "list[object]"),
        ([(1, "a"), (2, "b")], "tuple[int, str]"),
        ([(1,), (1, 2)], "tuple[int, ...]"),
        ([{"a": 1}, {}], "dict[str, int]"),
        (["x", [1]], "str | list[int]"),
        ([True, 1], "bool | int"),
        ([[1, 2.0], [1, "a"]], "list[int | float | str]"),  # not int | float | int | str
        ([(1, [2.0]), (1, ["a"]), (1, [3])], "tuple[int, list[float | str | int]]"),
    ],
)
def test_inferred_output_types_fit_every_value_and_nothing_looser(
    values: list[object], expected: str
) -> None:
    inferred = infer_type(values)
    assert str(inferred) == expected
    assert all(type_errors(value, parse_type(expected)) is None for value in values)


def test_deeply_nested_values_are_typed_without_unbounded_recursion() -> None:
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    inferred = infer_type([deep])
    assert str(inferred).startswith("list[list[") and "object" in str(inferred)
    assert type_errors(deep, inferred) is None


def test_arrays_match_on_dtype_and_shape_exactly_and_values_by_the_rule() -> None:
    exact, close = EquivalenceConfig(rule="exact"), EquivalenceConfig(rule="allclose", rtol=1e-9)
    grid = np.arange(6.0).reshape(2, 3)
    nudged = grid.copy()
    nudged[1, 2] += 1e-12
    assert compare(grid, grid.astype(np.float32), close) == (
        "output: expected dtype float64, got float32"
    )
    assert compare(grid, grid.T.copy(), close) == "output: expected shape (2, 3), got (3, 2)"
    assert compare(grid, nudged, close) is None
    assert compare(grid, nudged, exact) is not None
    assert "first at [1, 2]" in str(compare(grid, nudged, exact))


def test_objects_match_on_class_and_attributes_by_the_rule() -> None:
    close = EquivalenceConfig(rule="allclose", rtol=1e-9)

    def point(x: float) -> Instance:
        return Instance("geo:Point", "object", None, {"x": x})

    assert compare(point(1.0), point(1.0 + 1e-12), close) is None
    assert compare(point(1.0), point(1.5), close) == "output.x: expected 1.0, got 1.5"
    other = Instance("geo:Vector", "object", None, {"x": 1.0})
    assert compare(point(1.0), other, close) == "output: expected a geo.Point, got a geo.Vector"


def test_inferred_set_types_merge_their_items() -> None:
    from harness.targets.infer import infer_type

    assert str(infer_type([{1}, {"a"}, frozenset([1.0]), frozenset(["x"])])) == (
        "set[int | str] | frozenset[float | str]"
    )
