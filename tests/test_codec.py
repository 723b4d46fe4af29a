"""The value codec: every carried type round-trips through a real worker, and hostile data from a
candidate is refused without running anything it names."""

import base64
import collections
import datetime
import decimal
import functools
import io
import json
import operator
import re
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from harness.sandbox.codec import (
    Bound,
    Instance,
    Keywords,
    Member,
    Named,
    PlainDataError,
    decode,
    encode,
    rebuild,
)
from harness.sandbox.limits import Limits
from harness.sandbox.messages import CallResult, SandboxSpec
from harness.sandbox.process import SandboxProcess
from harness.targets.config import EquivalenceConfig
from harness.targets.equivalence import compare

MODULE = """
import dataclasses
import enum
from typing import NamedTuple


class Color(enum.Enum):
    RED = 1
    BLUE = 2


class Pair(NamedTuple):
    left: int
    right: float


@dataclasses.dataclass(frozen=True)
class Frozen:
    name: str
    scores: list


class Slotted:
    __slots__ = ("a", "b")


class Tally(dict):
    pass


class Counter:
    def __init__(self, start):
        self.count = start

    def bump(self, by, *, times=1):
        self.count += by * times
        return self.count

    @classmethod
    def fresh(cls, start):
        return cls(start)

    @staticmethod
    def double(x):
        return 2 * x


def identity(*args, **keywords):
    return [list(args), keywords]


def count_up(n):
    for i in range(n):
        yield i * i


def make_scaler(factor, *, offset=0):
    def scale(values):
        return [value * factor + offset for value in values]

    return scale


def nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def what_came(value):
    return type(value).__module__ + "." + type(value).__qualname__


class Token:
    def __init__(self, text, parent=None):
        self.text, self.parent, self.children = text, parent, []


def parse(words):
    root = Token("")
    root.children = [Token(word, root) for word in words]
    return root


def parents_are_the_root(root):
    return [child.parent is root for child in root.children]


class Box:
    def __init__(self, width, height):
        self.width, self.height = width, height

    @property
    def area(self):
        return self.width * self.height
"""


@pytest.fixture
def call(tmp_path: Path) -> Iterator[Any]:
    processes: list[SandboxProcess] = []

    def run(function: str, args: list[Any]) -> CallResult:
        workdir = tmp_path / f"box{len(processes)}"
        (workdir / "src").mkdir(parents=True)
        module = workdir / "src" / "mod.py"
        module.write_text(textwrap.dedent(MODULE))
        limits = Limits(cpu_seconds=20, memory_mb=1024)
        process = SandboxProcess(SandboxSpec(module, "mod", function, workdir, limits=limits))
        processes.append(process)
        return process.call(args, 10)

    yield run
    for process in processes:
        process.close()


STDLIB_VALUES: list[Any] = [
    (1, "a", (2.5, None)),
    {1: "x", (2, 3): [4]},
    {3, 1, 2},
    frozenset({"a", "b"}),
    b"\x00bytes",
    bytearray(b"buffer"),
    2 - 1.5j,
    decimal.Decimal("1.10"),
    datetime.datetime(2026, 11, 30, 13, 45, tzinfo=datetime.UTC),
    datetime.date(2026, 1, 2),
    datetime.time(7, 8, 9),
    datetime.timedelta(days=2, seconds=3),
    collections.OrderedDict(b=1, a=2),
    collections.Counter("abracadabra"),
    collections.deque([1, 2, 3], maxlen=5),
    collections.defaultdict(list, {"k": [1]}),
    types.MappingProxyType({"read": "only"}),
    np.float32(1.25),
    np.int64(-7),
    np.bool_(True),
]


def test_stdlib_and_numpy_values_round_trip_through_a_worker(call: Any) -> None:
    result = call("identity", [STDLIB_VALUES])
    assert result.ok, result.error
    [[back], _] = result.output
    assert len(back) == len(STDLIB_VALUES)
    for sent, got in zip(STDLIB_VALUES, back, strict=True):
        if isinstance(sent, types.MappingProxyType):
            assert got == Instance("types:MappingProxyType", "call", [{"read": "only"}], {})
        elif isinstance(sent, collections.OrderedDict | collections.Counter | collections.deque):
            assert type(got) is Instance and got.path == f"collections:{type(sent).__name__}"
        elif isinstance(sent, collections.defaultdict):
            assert got.items == {"k": [1]} and got.state == {
                "default_factory": Named("builtins:list")
            }
        else:
            assert type(got) is type(sent) and got == sent


def test_arrays_keep_dtype_shape_order_and_values(call: Any) -> None:
    arrays = [
        np.arange(12, dtype=np.int16).reshape(3, 4),
        np.asfortranarray(np.linspace(0, 1, 6).reshape(2, 3)),
        np.zeros((0, 5)),
        np.array([(1, 2.5)], dtype=[("a", "<i4"), ("b", "<f8")]),
        np.array(["ab", "c"]),
        np.array([np.nan, np.inf, -0.0]),
    ]
    result = call("identity", arrays)
    assert result.ok, result.error
    for sent, got in zip(arrays, result.output[0], strict=True):
        assert got.dtype == sent.dtype and got.shape == sent.shape
        assert np.array_equal(got, sent, equal_nan=sent.dtype.kind == "f")


def test_user_objects_are_rebuilt_from_their_class_in_the_worker_and_return_as_data(
    call: Any,
) -> None:
    sent = [
        Member("mod:Color", "BLUE", 2),
        Instance("mod:Pair", "tuple", [1, 2.5], {}),
        Instance("mod:Frozen", "object", None, {"name": "n", "scores": [1, 2]}),
        Instance("mod:Slotted", "object", None, {"a": 1, "b": (2,)}),
        Instance("mod:Tally", "dict", {"x": 1}, {}),
        Named("mod:count_up"),
        Named("builtins:len"),
        Instance(
            "functools:partial", "call", [Named("builtins:max"), 3], {"key": Named("builtins:abs")}
        ),
        Instance("operator:itemgetter", "call", [1, 0], {}),
    ]
    kinds = call("what_came", [sent[2]])
    assert kinds.ok and kinds.output == "mod.Frozen"  # a real object of the module's class
    result = call("identity", sent)
    assert result.ok, result.error
    assert result.output[0] == sent


def test_methods_classmethods_staticmethods_and_keywords_are_targets(call: Any) -> None:
    receiver = Instance("mod:Counter", "object", None, {"count": 10})
    bumped = call("Counter.bump", [receiver, 2, Keywords(times=3)])
    assert bumped.ok and bumped.output == 16
    assert bumped.args_after[0].state == {"count": 16}  # the receiver's state after the call
    fresh = call("Counter.fresh", [Named("mod:Counter"), 4])
    assert fresh.ok and fresh.output == Instance("mod:Counter", "object", None, {"count": 4})
    assert call("Counter.double", [21]).output == 42


def test_a_closure_is_made_by_its_factory_from_the_recorded_arguments(call: Any) -> None:
    result = call("make_scaler.<locals>.scale", [[3, Keywords(offset=1)], [1, 2]])
    assert result.ok and result.output == [4, 7]
    wrong = call("make_scaler.<locals>.other", [[3], [1]])
    assert wrong.kind == "exception" and "not the function other" in wrong.error


def test_a_generator_is_compared_on_its_items(call: Any) -> None:
    assert call("count_up", [4]).output == [0, 1, 4, 9]


def test_live_values_encode_and_decode_to_stand_ins_without_imports() -> None:
    for value, expected in [
        (
            functools.partial(max, 3),
            Instance("functools:partial", "call", [Named("builtins:max"), 3], {}),
        ),
        (operator.itemgetter(2), Instance("operator:itemgetter", "call", [2], {})),
        (re.compile("a+", re.I), Instance("re:compile", "call", ["a+", re.I | re.U], {})),
        (str.lower, Named("builtins:str.lower")),
        (int, Named("builtins:int")),
    ]:
        assert decode(json.loads(json.dumps(encode(value)))) == expected
        assert type(rebuild(json.loads(json.dumps(encode(value))))) is type(value)


def test_what_cannot_be_named_is_refused_with_where_it_is() -> None:
    for value in [lambda: 1, iter([1]), object().__str__, np.array([None, lambda: 1])]:
        with pytest.raises(PlainDataError, match=r"output\[0\]"):
            encode([value])


def _npy(array: Any, allow_pickle: bool = False) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return base64.b64encode(buffer.getvalue()).decode()


def test_hostile_payloads_are_refused_and_nothing_they_name_is_run() -> None:
    honest = base64.b64decode(_npy(np.zeros(4)))
    huge = honest.replace(b"(4,), ", b"(99999999999,), ")[: len(honest)]
    hostile = {
        "a pickled object array": {"__ndarray__": _npy(np.array([{}], dtype=object), True)},
        "a forged huge shape": {"__ndarray__": base64.b64encode(huge).decode()},
        "an npz archive": {"__ndarray__": base64.b64encode(b"PK\x03\x04junk").decode()},
        "an unknown tag": {"__reduce__": ["os:system", ["true"]]},
        "a path that is code": {"__named__": "os:system('true')"},
        "a bad instance base": {
            "__instance__": "os:system",
            "base": "eval",
            "items": [],
            "state": [],
        },
        "a scalar with a shape": {"__npscalar__": _npy(np.zeros(2))},
        "an object array's huge shape": {"__objarray__": [[10**12], [1]]},
        "an object array's negative shape": {"__objarray__": [[-1, -1], [1]]},
    }
    for name, payload in hostile.items():
        with pytest.raises(ValueError):
            decode(payload)
            pytest.fail(f"{name} was accepted")


def test_decoding_names_a_class_without_importing_it() -> None:
    payload = {
        "__instance__": "harness_never_imported_xyz:Thing",
        "base": "object",
        "items": None,
        "state": [["a", 1]],
    }
    value = decode(payload)
    assert value == Instance("harness_never_imported_xyz:Thing", "object", None, {"a": 1})
    assert "harness_never_imported_xyz" not in sys.modules


def test_deep_nesting_is_a_clear_rejection_on_either_side(call: Any) -> None:
    result = call("nested", [100_000])
    assert result.kind == "type" and "recursion" in result.error.lower()
    deep: Any = 1
    for _ in range(100_000):
        deep = {"__tuple__": [deep]}
    with pytest.raises(RecursionError):
        decode(deep)  # the parent's reader turns this into a protocol error, never a crash


class Node:
    def __init__(self, parent: "Node | None" = None) -> None:
        self.parent, self.children = parent, []


def test_objects_that_refer_back_to_themselves_travel_by_reference(call: Any) -> None:
    parsed = call("parse", [["a", "b"]])
    assert parsed.ok, parsed.error
    root = parsed.output
    assert all(child.state["parent"] is root for child in root.state["children"])
    assert "..." in repr(root)  # printed without recursing
    assert call("parents_are_the_root", [root]).output == [True, True]  # rebuilt as a graph
    back = call("identity", [root]).output[0][0]
    exact = EquivalenceConfig()
    assert compare(root, back, exact) is None and root == back
    copy = Instance(root.path, "object", None, dict(root.state))
    copy.state["children"] = [
        Instance(child.path, "object", None, dict(child.state)) for child in root.state["children"]
    ]
    copy.state["children"][1].state["parent"] = Instance(
        root.path, "object", None, dict(root.state)
    )
    assert "expected the object at output, got another" in str(compare(root, copy, exact))


class Kind(tuple[str, ...]):
    """Like sqlparse's token types: a tuple whose attributes refer to its relatives."""


def test_a_tuple_subclass_whose_attributes_refer_back_rebuilds() -> None:
    root = Kind(("Token",))
    child = Kind(("Token", "Name"))
    child.parent, root.parent, root.subtypes = root, None, {"Name": child}  # type: ignore[attr-defined]
    for untrusted in (False, True):
        made = rebuild(json.loads(json.dumps(encode(child))), untrusted=untrusted)
        assert type(made) is Kind and made == ("Token", "Name")
        assert made.parent.subtypes["Name"] is made
    decoded = decode(json.loads(json.dumps(encode(child))))
    assert decoded.state["parent"].state["subtypes"]["Name"] is decoded


def test_shared_and_cyclic_live_objects_rebuild_with_their_identity() -> None:
    root = Node()
    root.children = [Node(root), Node(root)]
    root.children.append(root.children[0])  # shared
    for untrusted in (False, True):
        made = rebuild(json.loads(json.dumps(encode(root))), untrusted=untrusted)
        assert type(made) is Node and made.children[0].parent is made
        assert made.children[2] is made.children[0] and made.children[1] is not made.children[0]


def test_references_that_do_not_resolve_are_refused() -> None:
    node = {"__instance__": "m:Node", "base": "object", "items": None}
    for payload in [
        {"__ref__": 0},
        [node | {"id": 0, "state": []}, node | {"id": 0, "state": []}],  # one number twice
        [node | {"id": "0", "state": []}],
        # a tuple refers back to itself: it can only be registered once made
        {
            "__instance__": "m:Pair",
            "base": "tuple",
            "id": 0,
            "items": [{"__ref__": 0}],
            "state": [],
        },
    ]:
        with pytest.raises(ValueError, match="object"):
            decode(payload)


def test_object_arrays_travel_item_by_item_and_compare_with_exact_types(call: Any) -> None:
    amounts = np.array([[decimal.Decimal("1.10"), 2], [None, "x"]], dtype=object)
    result = call("identity", [amounts])
    assert result.ok, result.error
    back = result.output[0][0]
    assert back.dtype == object and back.shape == (2, 2)
    assert [type(item) for item in back.flat] == [decimal.Decimal, int, type(None), str]
    exact = EquivalenceConfig()
    assert compare(amounts, back, exact) is None
    ints = amounts.copy()
    ints[0, 0] = 1
    assert "expected decimal.Decimal, got int" in str(compare(amounts, ints, exact))


class Scanner:
    def __init__(self) -> None:
        self.rules = [(re.compile("[0-9]+").match, "number")]
        self.on_word = self.word

    def word(self, text: str) -> str:
        return text.upper()


def test_methods_bound_to_carried_objects_are_carried_by_name(call: Any) -> None:
    scanner = Scanner()
    encoded = json.loads(json.dumps(encode(scanner)))
    decoded = decode(encoded)
    [(match, kind)] = decoded.state["rules"]
    assert type(match) is Bound and match.name == "match" and kind == "number"
    assert decoded.state["on_word"].owner is decoded  # the object itself, by reference
    for untrusted in (False, True):
        made = rebuild(encoded, untrusted=untrusted)
        assert made.on_word.__self__ is made and made.on_word("ab") == "AB"
        assert made.rules[0][0]("42x").group() == "42"
    result = call("identity", [[3, 4].index, "ab".upper])
    assert result.ok and result.output[0] == [Bound([3, 4], "index"), Bound("ab", "upper")]
    hostile = {
        "__method__": [
            {"__instance__": "m:X", "base": "object", "items": None, "state": []},
            "__init__",
        ]
    }
    with pytest.raises(ValueError):
        rebuild({"__method__": [[1], "__class__"]}, untrusted=True)  # not a function of list
    assert type(decode(hostile)) is Bound  # decoding names it and runs nothing


def test_a_property_is_a_target_through_its_getter(call: Any) -> None:
    result = call("Box.area", [Instance("mod:Box", "object", None, {"width": 3, "height": 4})])
    assert result.ok and result.output == 12


class _Wrapper:
    """A callable object, as decorators make them (toolz's curry, numpy's dispatchers)."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.__module__, self.__qualname__ = function.__module__, function.__qualname__

    def __call__(self, *args: Any) -> Any:
        return self.function(*args)


def _twice(x: int) -> int:
    return 2 * x


_original_twice = _twice
_twice = _Wrapper(_twice)  # type: ignore[assignment]


def test_a_function_its_module_replaced_under_its_name_is_refused_not_misnamed() -> None:
    """The module's `_twice` is now the wrapper: naming the inner function by that path would
    rebuild the wrapper in its place."""
    with pytest.raises(PlainDataError, match="cannot be imported by name"):
        encode([_original_twice])
    assert encode(_twice) == {"__named__": f"{__name__}:_twice"}  # the wrapper is its own name


def test_module_level_callable_objects_travel_by_name(call: Any) -> None:
    for value in (np.subtract, np.dot, np.linalg.inv):
        encoded = json.loads(json.dumps(encode(value)))
        assert type(decode(encoded)) is Named
        for untrusted in (False, True):
            assert rebuild(encoded, untrusted=untrusted) is value
    result = call("identity", [Named("numpy:subtract")])
    assert result.ok and result.output[0] == [Named("numpy:subtract")]
