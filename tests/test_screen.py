"""The static screen flags escape hatches and lets ordinary optimizations through."""

from pathlib import Path

import pytest

from harness.verify.screen import screen

LEGITIMATE = {
    "numpy": "import numpy as np\ndef f(xs):\n    return np.asarray(xs).tolist()\n",
    "itertools": "import itertools\ndef f(xs):\n    return list(itertools.accumulate(xs))\n",
    "bisect": "from bisect import insort\ndef f(xs):\n    out = []\n    insort(out, 1)\n    return out\n",
    "heapq": "import heapq\ndef f(xs):\n    return heapq.nsmallest(2, xs)\n",
    "lru_cache inside": (
        "from functools import lru_cache\n"
        "def f(xs):\n    @lru_cache(maxsize=None)\n    def g(i):\n        return i\n    return g(1)\n"
    ),
    "recursion limit": "import sys\ndef f(xs):\n    sys.setrecursionlimit(5000)\n    return xs\n",
    "collections and math": (
        "import math\nfrom collections import Counter\ndef f(xs):\n    return math.fsum(Counter(xs))\n"
    ),
    "os.path and cpu_count": "import os\ndef f(xs):\n    return [os.cpu_count(), os.path.sep]\n",
    "scipy": "from scipy.spatial.distance import cdist\ndef f(xs):\n    return cdist(xs, xs).tolist()\n",
    "helper with defaults": "def f(xs, scale=1):\n    return xs\n",
}

FLAGGED = {
    "reference import": ("from reference_impls.levenshtein import levenshtein as f\n", "reference"),
    "harness import": ("import harness\ndef f(xs):\n    return xs\n", "harness"),
    "timer": ("import time\ndef f(xs):\n    return xs\n", "timers"),
    "timer patch": ("from time import perf_counter\ndef f(xs):\n    return xs\n", "timers"),
    "sys.modules": ("import sys\ndef f(xs):\n    return sys.modules\n", "sys.modules"),
    "builtins": ("import builtins\ndef f(xs):\n    return xs\n", "builtins"),
    "__builtins__": ("def f(xs):\n    return __builtins__\n", "__builtins__"),
    "gc": ("import gc\ndef f(xs):\n    return xs\n", "garbage collector"),
    "ctypes": ("import ctypes\ndef f(xs):\n    return xs\n", "ctypes"),
    "subprocess": ("import subprocess\ndef f(xs):\n    return xs\n", "processes"),
    "fork": ("import os\ndef f(xs):\n    os.fork()\n", "os.fork"),
    "remove": ("from os import remove\ndef f(xs):\n    remove('x')\n", "os.remove"),
    "socket": ("import socket\ndef f(xs):\n    return xs\n", "sockets"),
    "file write": ("def f(xs):\n    open('out.txt', 'w')\n", "writes files"),
    "file read outside": ("def f(xs):\n    open('../../secret')\n", "outside its folder"),
    "computed path": ("def f(xs, p='x'):\n    open(p)\n", "computed path"),
    "eval": ("def f(xs):\n    return eval('xs')\n", "eval"),
    "dunder import": ("def f(xs):\n    return __import__('os')\n", "__import__"),
    "frame walk": ("def f(xs):\n    import sys\n    return sys._getframe().f_back\n", "f_back"),
    "module patch": ("import math\nmath.sqrt = abs\ndef f(xs):\n    return xs\n", "modifies"),
    "setattr on module": ("import math\ndef f(xs):\n    setattr(math, 'pi', 3)\n", "modifies"),
    "vars": ("import json\ndef f(xs):\n    vars(json)['dumps'] = str\n", "vars"),
    "module __dict__": ("import sys\ndef f(xs):\n    return sys.__dict__\n", "__dict__"),
    "subclasses": ("def f(xs):\n    return ().__class__.__subclasses__()\n", "__subclasses__"),
    "missing entry": ("def g(xs):\n    return xs\n", "no top-level function"),
    "wrong arity": ("def f(xs, ys):\n    return xs\n", "cannot be called with 1"),
    "async entry": ("async def f(xs):\n    return xs\n", "async"),
}


@pytest.mark.parametrize("name", LEGITIMATE)
def test_legitimate_optimizations_pass(name: str) -> None:
    assert screen(LEGITIMATE[name], "f", 1) == []


@pytest.mark.parametrize("name", FLAGGED)
def test_escape_hatches_are_flagged(name: str) -> None:
    source, expected = FLAGGED[name]
    findings = screen(source, "f", 1)
    assert any(expected in finding.message for finding in findings), findings


def test_syntax_errors_raise() -> None:
    with pytest.raises(SyntaxError):
        screen("def f(:\n", "f", 1)


def test_findings_carry_line_numbers() -> None:
    findings = screen("def f(xs):\n    return xs\nimport time\n", "f", 1)
    assert [finding.line for finding in findings] == [3]


def test_patching_through_an_attribute_chain_is_flagged() -> None:
    findings = screen(
        "import logging\nlogging.time.perf_counter = abs\ndef f(xs):\n    return xs\n", "f", 1
    )
    assert any("modifies an imported module" in finding.message for finding in findings)


def test_patching_a_from_imported_module_is_flagged() -> None:
    source = "from json import encoder\nencoder.c_make_encoder = None\ndef f(xs):\n    return xs\n"
    assert any("modifies" in finding.message for finding in screen(source, "f", 1))


def test_from_imported_submodules_are_not_mistaken_for_their_parent() -> None:
    assert screen("from os import path\ndef f(xs):\n    return path.join('a', 'b')\n", "f", 1) == []


def test_relative_imports_are_fine_only_inside_a_package() -> None:
    source = "from .util import g\ndef f(xs):\n    return g(xs)\n"
    assert [finding.message for finding in screen(source, "f", 1)] == [
        "uses a relative import (the module must stand alone)"
    ]
    assert screen(source, "f", 1, in_package=True) == []


def test_a_helper_module_need_not_define_the_entry_function() -> None:
    assert screen("def g(xs):\n    return xs\n", None, 1, in_package=True) == []
    assert screen("import ctypes\n", None, 1, in_package=True) != []


ORIGINAL = """import importlib
import os

DEBUG = os.environ.get("SQ_DEBUG")


def codec(name):
    return importlib.import_module(name)


def squares(xs):
    return [x * x for x in xs]
"""


def test_a_repositorys_own_constructs_do_not_reject_its_unchanged_module() -> None:
    from harness.verify.screen import screen_change

    assert screen(ORIGINAL, "squares", 1, True)  # judged alone, the original is flagged
    assert screen_change(ORIGINAL, ORIGINAL, "squares", 1, True) == []
    faster = ORIGINAL.replace("[x * x for x in xs]", "list(map(int.__mul__, xs, xs))")
    assert screen_change(faster, ORIGINAL, "squares", 1, True) == []


@pytest.mark.parametrize(
    ("added", "message"),
    [
        ("import subprocess\n", "starts processes (subprocess)"),
        ("REF = importlib.import_module('reference_impls')\n", "imports modules dynamically"),
        ("HOME = os.environ.get('HOME')\n", "uses os.environ"),
        ("load = importlib.import_module\n", "imports modules dynamically"),
    ],
)
def test_what_a_candidate_adds_is_still_screened(added: str, message: str) -> None:
    from harness.verify.screen import screen_change

    candidate = ORIGINAL.replace("\n\ndef codec", f"\n{added}\n\ndef codec")
    findings = screen_change(candidate, ORIGINAL, "squares", 1, True)
    assert [f.message for f in findings if message in f.message], findings


def test_an_unchanged_repository_module_using_os_environ_is_judged_correct(
    tmp_path: Path,
) -> None:
    from harness.targets.loader import load_target
    from harness.verify.gate import Verifier

    (tmp_path / "sq").mkdir()
    (tmp_path / "sq" / "__init__.py").write_text("")
    original = 'import os\n\nDEBUG = os.environ.get("SQ_DEBUG")\n\n\ndef squares(xs):\n    return [x * x for x in xs]\n'
    (tmp_path / "sq" / "core.py").write_text(original)
    (tmp_path / "gen.py").write_text(
        "def generate(rng, size):\n    return [[rng.randint(-99, 99) for _ in range(size)]]\n\n\n"
        "def edge_cases():\n    return [[[]], [[0]]]\n"
    )
    (tmp_path / "harness.toml").write_text(
        '[[target]]\nname = "sq"\nentry = "sq.core:squares"\neditable = ["sq/core.py"]\n'
        'signature = "squares(xs: list[int]) -> list[int]"\ndescription = "squares"\n'
        'output_type = "list[int]"\n\n[target.inputs]\ngenerator = "gen.py"\n'
    )
    target = load_target(str(tmp_path))
    verdict = Verifier(None).evaluate(target, original, seed=1)
    assert verdict.correct, verdict.reasons
    worse = original.replace("import os\n", "import os\nimport subprocess\n")
    rejected = Verifier(None).evaluate(target, worse, seed=1)
    assert rejected.reasons == ["static screen: line 2: starts processes (subprocess)"]
