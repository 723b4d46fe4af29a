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
