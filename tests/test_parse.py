"""Parsing model answers: prose around code, several blocks, fences, and unified diffs."""

from harness.loop.parse import parse_answer

CURRENT = "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x * x)\n    return out\n"


def test_code_block_inside_prose() -> None:
    answer = "Sure! Here is a faster version:\n```python\ndef f(xs):\n    return [x * x for x in xs]\n```\nIt uses a comprehension."
    assert (
        parse_answer(answer, CURRENT, "m.py", "f").source
        == "def f(xs):\n    return [x * x for x in xs]\n"
    )


def test_the_last_block_defining_the_function_wins() -> None:
    answer = "```python\nimport numpy\n```\n```python\ndef f(xs):\n    return 1\n```\n```py\ndef f(xs):\n    return 2\n```\n```\nprint('usage')\n```"
    assert parse_answer(answer, CURRENT, "m.py", "f").source == "def f(xs):\n    return 2\n"


def test_unfenced_code_is_accepted() -> None:
    assert (
        parse_answer("def f(xs):\n    return xs\n", CURRENT, "m.py", "f").source
        == "def f(xs):\n    return xs\n"
    )


def test_unterminated_fence_still_parses() -> None:
    answer = "```python\ndef f(xs):\n    return xs\n"
    assert parse_answer(answer, CURRENT, "m.py", "f").source == "def f(xs):\n    return xs\n"


def test_a_unified_diff_is_applied() -> None:
    diff = (
        "```diff\n--- a/whatever.py\n+++ b/whatever.py\n@@ -1,5 +1,2 @@\n def f(xs):\n"
        "-    out = []\n-    for x in xs:\n-        out.append(x * x)\n-    return out\n"
        "+    return [x * x for x in xs]\n```"
    )
    assert (
        parse_answer(diff, CURRENT, "m.py", "f").source
        == "def f(xs):\n    return [x * x for x in xs]\n"
    )


def test_a_single_file_diff_naming_a_test_config_or_new_file_is_refused() -> None:
    body = "@@ -1,5 +1,2 @@\n def f(xs):\n-    out = []\n-    for x in xs:\n"
    body += "-        out.append(x * x)\n-    return out\n+    return [x * x for x in xs]\n"
    for named in ("tests/helpers.py", "test_m.py", "conftest.py", "harness.toml", "/dev/null"):
        diff = f"--- a/{named}\n+++ b/{named}\n{body}".replace("a//dev", "/dev")
        problem = parse_answer(diff, CURRENT, "m.py", "f").problem
        assert problem == f"the diff touches {diff.split()[1]}, which is not editable (m.py)"
    loosely_named = parse_answer(f"--- original.py\n+++ faster.py\n{body}", CURRENT, "m.py", "f")
    assert loosely_named.source == "def f(xs):\n    return [x * x for x in xs]\n"


def test_a_diff_that_does_not_apply_is_reported() -> None:
    diff = "--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\n def g(ys):\n-    pass\n+    return 1\n"
    parsed = parse_answer(diff, CURRENT, "m.py", "f")
    assert (
        parsed.source is None and parsed.problem is not None and "does not apply" in parsed.problem
    )


def test_empty_and_codeless_answers_are_reported() -> None:
    assert parse_answer("  ", CURRENT, "m.py", "f").problem == "empty answer"
    assert (
        parse_answer("I cannot help.", CURRENT, "m.py", "f").problem == "no code block defines `f`"
    )
    broken = "```python\ndef f(xs):\n    return [x for x in\n```"
    assert (
        parse_answer(broken, CURRENT, "m.py", "f").problem == "the code defining `f` does not parse"
    )


FILES = {
    "pkg/core.py": "from .util import g\n\n\ndef f(xs):\n    return [g(x) for x in xs]\n",
    "pkg/util.py": "def g(x):\n    return x * x\n",
}
TWO_FILE_DIFF = "\n".join(
    [
        "```diff",
        "--- a/pkg/core.py",
        "+++ b/pkg/core.py",
        "@@ -1,5 +1,5 @@",
        "-from .util import g",
        "+from .util import gs",
        " ",
        " ",
        " def f(xs):",
        "-    return [g(x) for x in xs]",
        "+    return gs(xs)",
        "--- a/util.py",  # a path may drop its leading folders if it stays unambiguous
        "+++ b/util.py",
        "@@ -1,2 +1,5 @@",
        " def g(x):",
        "     return x * x",
        "+",
        "+def gs(xs):",
        "+    return [x * x for x in xs]",
        "```",
    ]
)


def test_a_diff_may_change_several_editable_files() -> None:
    parsed = parse_answer(TWO_FILE_DIFF, FILES, "pkg/core.py", "f")
    assert isinstance(parsed.source, dict), parsed.problem
    assert parsed.source["pkg/core.py"].endswith("    return gs(xs)\n")
    assert "def gs(xs):" in parsed.source["pkg/util.py"]  # "util.py" named it unambiguously


def test_a_diff_touching_a_file_outside_the_editable_set_is_refused() -> None:
    diff = TWO_FILE_DIFF.replace("a/util.py", "a/tests/test_util.py").replace(
        "b/util.py", "b/tests/test_util.py"
    )
    parsed = parse_answer(diff, FILES, "pkg/core.py", "f")
    assert parsed.source is None
    assert parsed.problem == (
        "the diff touches a/tests/test_util.py, which is not editable (pkg/core.py, pkg/util.py)"
    )
    created = "--- /dev/null\n+++ b/pkg/new.py\n@@ -0,0 +1 @@\n+x = 1\n"
    assert "/dev/null, which is not editable" in str(
        parse_answer(created, FILES, "pkg/core.py", "f").problem
    )


def test_a_code_block_replaces_only_the_entry_module_of_several() -> None:
    answer = "```python\ndef f(xs):\n    return [x * x for x in xs]\n```"
    parsed = parse_answer(answer, FILES, "pkg/core.py", "f")
    assert parsed.source == FILES | {"pkg/core.py": "def f(xs):\n    return [x * x for x in xs]\n"}


HELPERS = '''"""Module docstring."""
import math

SCALE = 2
UNUSED = 7


def _helper(x):
    return math.floor(x) * SCALE


def f(xs):
    return [_helper(x) for x in xs]
'''


def test_definitions_an_answer_uses_but_left_out_are_carried_from_the_current_code() -> None:
    answer = '```python\n"""Faster."""\nimport os\n\n\n@staticmethod\ndef f(xs):\n    return list(map(_helper, xs))\n```'
    source = parse_answer(answer, HELPERS, "m.py", "f").source
    assert isinstance(source, str)
    # _helper, and in turn SCALE and math, in the current module's order, before the answer's
    # first definition (its decorator included); what is not needed is not carried
    assert source == (
        '"""Faster."""\nimport os\n\n\n'
        "import math\n\nSCALE = 2\n\ndef _helper(x):\n    return math.floor(x) * SCALE\n\n"
        "@staticmethod\ndef f(xs):\n    return list(map(_helper, xs))\n"
    )


def test_an_answer_that_binds_its_own_names_is_kept_as_it_is() -> None:
    answer = "```python\nSCALE = 3\n\ndef f(xs, _helper=abs):\n    return [_helper(x) * SCALE for x in xs]\n```"
    kept = "SCALE = 3\n\ndef f(xs, _helper=abs):\n    return [_helper(x) * SCALE for x in xs]\n"
    assert parse_answer(answer, HELPERS, "m.py", "f").source == kept
    unknown = "```python\ndef f(xs):\n    return [nowhere(x) for x in xs]\n```"
    assert parse_answer(unknown, HELPERS, "m.py", "f").source == (
        "def f(xs):\n    return [nowhere(x) for x in xs]\n"
    )


def test_well_known_names_an_answer_forgot_to_import_are_imported() -> None:
    answer = "```python\ndef f(xs: List[int]) -> list[int]:\n    heap = list(Counter(xs))\n    heapq.heapify(heap)\n    return np.array(heap).tolist()\n```"
    source = parse_answer(answer, CURRENT, "m.py", "f").source
    assert isinstance(source, str) and source.startswith(
        "from collections import Counter\nfrom typing import List\nimport heapq\n"
        "import numpy as np\n\ndef f("
    )


def test_a_name_bound_only_in_another_function_is_still_carried() -> None:
    # SCALE is a local of g, so f's SCALE is the module's: a scope-blind finder misses it.
    answer = "```python\ndef g():\n    SCALE = 5\n    return SCALE\n\ndef f(xs):\n    return [x * SCALE for x in xs]\n```"
    source = parse_answer(answer, HELPERS, "m.py", "f").source
    assert isinstance(source, str) and source.startswith("SCALE = 2\n\ndef g():")
