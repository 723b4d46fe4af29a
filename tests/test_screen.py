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
    "getattr by a variable": (
        "class Table:\n    def cell(self, name):\n        return getattr(self, name)\n"
        "def f(xs):\n    return Table().cell('real')\n"
    ),
    "getattr with a default": "def f(xs, obj=None):\n    return getattr(obj, 'ordinary_name', None)\n",
    "dispatch by a built name": (
        "class Visitor:\n    def visit(self, node):\n"
        "        return getattr(self, 'visit_' + type(node).__name__, None)\n"
        "def f(xs):\n    return xs\n"
    ),
    "getattr on an unscreened module": "import math\ndef f(xs, n='sqrt'):\n    return getattr(math, n)(4)\n",
    "own namespace": (
        "class A:\n    def g(self, key):\n        return self.__dict__.get(key), self.__dict__['x']\n"
        "def f(xs):\n    return xs\n"
    ),
    "allowed os attribute by name": "import os\ndef f(xs):\n    return getattr(os, 'cpu_' + 'count')()\n",
    "hasattr": "import sys\ndef f(xs):\n    return hasattr(sys, '_getframe')\n",
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
    "setattr by a constant": (
        "import json\ndef f(xs):\n    setattr(json, 'dumps', str)\n",
        "setattr(json, 'dumps') names 'dumps', refused as an attribute: modifies an imported module",
    ),
    "vars by a constant": (
        "import json\ndef f(xs):\n    vars(json)['du' + 'mps'] = str\n",
        "vars(json)['dumps'] names 'dumps', refused as an attribute: modifies an imported module",
    ),
    "__dict__ of a module reached through another": (
        "import logging\nlogging.time.__dict__['perf_counter'] = abs\ndef f(xs):\n    return xs\n",
        "modifies an imported module (logging.time.perf_counter)",
    ),
    "f-string name": (
        "import sys\nPART = 'get'\ndef f(xs):\n    return getattr(sys, f'_{PART}frame')(0)\n",
        "getattr(sys, '_getframe') names '_getframe', refused as an attribute: touches interpreter",
    ),
    "joined name": (
        "def f(xs, frame=None):\n    return getattr(frame, ''.join(['f_', 'back']))\n",
        "names 'f_back', refused as an attribute: reaches interpreter internals (.f_back)",
    ),
    "formatted name through an alias of getattr": (
        "import os\nfetch = getattr\ndef f(xs):\n    fetch(os, '{}{}'.format('fo', 'rk'))()\n",
        "getattr(os, 'fork') names 'fork', refused as an attribute: uses os.fork",
    ),
    "object.__setattr__": (
        "import json\nobject.__setattr__(json, 'dumps', str)\ndef f(xs):\n    return xs\n",
        "object.__setattr__(json, 'dumps') names 'dumps'",
    ),
    "attrgetter": (
        "from operator import attrgetter\ndef f(xs):\n    return attrgetter('gi_frame.f_back')(xs)\n",
        "attrgetter('gi_frame.f_back') names 'f_back'",
    ),
    "computed attribute of os": (
        "import os\ndef f(xs, name='fork'):\n    return getattr(os, name)()\n",
        "getattr(os, name) names an attribute of os the screen cannot work out",
    ),
    "posix": (
        "import posix\ndef f(xs):\n    posix.kill(0, 9)\n",
        "uses posix.kill (processes, files or the environment) (private twin of os)",
    ),
    "_posixsubprocess": (
        "import _posixsubprocess\ndef f(xs):\n    return xs\n",
        "starts processes (subprocess) (private twin of subprocess)",
    ),
    "_thread": ("import _thread\ndef f(xs):\n    return xs\n", "(private twin of threading)"),
    "_io.FileIO": (
        "from _io import FileIO\ndef f(xs):\n    return FileIO(0).read()\n",
        "accesses files (_io.FileIO) (private twin of io)",
    ),
    "_imp": ("import _imp\ndef f(xs):\n    return xs\n", "(private twin of importlib)"),
    "imp": ("import imp\ndef f(xs):\n    return xs\n", "imports modules dynamically (imp)"),
    "pkgutil.resolve_name": (
        "from pkgutil import resolve_name\ndef f(xs):\n    return resolve_name('os:fork')()\n",
        "imports modules dynamically (pkgutil)",
    ),
    "runpy": ("import runpy\ndef f(xs):\n    return runpy.run_module('x')\n", "runs modules"),
    "mmap": ("import mmap\ndef f(xs):\n    return mmap.mmap(-1, 8)\n", "maps files and memory"),
    "fcntl": ("import fcntl\ndef f(xs):\n    return xs\n", "controls file descriptors"),
    "concurrent.futures": (
        "from concurrent.futures import ProcessPoolExecutor\ndef f(xs):\n    return xs\n",
        "starts processes or threads (concurrent)",
    ),
    "asyncio": (
        "import asyncio\ndef f(xs):\n    return xs\n",
        "starts processes and opens sockets (asyncio)",
    ),
    "code.InteractiveInterpreter": (
        "import code\ndef f(xs):\n    code.InteractiveInterpreter().runsource('1')\n",
        "compiles code (code)",
    ),
}


@pytest.mark.parametrize("name", LEGITIMATE)
def test_legitimate_optimizations_pass(name: str) -> None:
    assert screen(LEGITIMATE[name], "f", 1) == []


@pytest.mark.parametrize("name", FLAGGED)
def test_escape_hatches_are_flagged(name: str) -> None:
    source, expected = FLAGGED[name]
    findings = screen(source, "f", 1)
    assert any(expected in finding.message for finding in findings), findings


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "squares__getattr_timer",
            "line 7: getattr(sys, 'modules') names 'modules', refused as an attribute: "
            "touches interpreter state (sys.modules)",
        ),
        ("squares__private_signal", "line 4: handles signals (private twin of signal)"),
    ],
)
def test_cheating_candidates_are_flagged(name: str, expected: str) -> None:
    source = (Path(__file__).parent / "candidates" / f"{name}.py").read_text()
    assert expected in [str(finding) for finding in screen(source, "squares", 1)]


def test_a_long_chain_of_names_is_followed_to_its_end() -> None:
    """A hostile chain (`a1 = (a0 + a0)[:6]`, ...) neither hides the name nor exhausts the stack."""
    chain = "".join(f"a{i + 1} = (a{i} + a{i})[:6]\n" for i in range(3000))
    source = f"a0 = 'f_back'\n{chain}def f(xs):\n    return getattr(xs, a3000)\n"
    assert any("names 'f_back'" in finding.message for finding in screen(source, "f", 1))


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


def test_code_nested_too_deeply_for_the_screen_is_refused_not_a_crash() -> None:
    from harness.targets.loader import load_target
    from harness.verify.gate import Verifier

    source = "def primes_below(n):\n    return [" + " + ".join(["n"] * 2000) + "]\n"
    target = load_target("primes_below")
    verdict = Verifier(None).evaluate(target, source, seed=1)
    assert not verdict.accepted
    [screen_check] = [check for check in verdict.checks if check.name == "static screen"]
    assert not screen_check.passed and "nested too deeply" in screen_check.detail
