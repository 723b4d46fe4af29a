"""Complete an answer that uses names it never binds. Small models often answer with the entry
function alone and drop a constant, helper or import it still needs (`LETTERS`, `np`, `List`),
which fails on import. The current module's top-level definitions of those names are carried over,
and a name that is a well-known module or typing/collections name gets its import. The result goes
through the whole gate like any candidate."""

import ast
import sys
import typing

from pyflakes import checker, messages

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_FROM = {  # the first module that has a name wins: typing's Counter is a deprecated alias
    "collections": frozenset({"Counter", "defaultdict", "deque", "OrderedDict", "namedtuple"}),
    "typing": frozenset(typing.__all__),
}


def carry_over(answer: str, current: str) -> str:
    """`answer` with the top-level statements of `current` that define names it uses but never
    binds (and, in turn, what those statements need), and imports for well-known names still
    unbound, inserted after its docstring and imports."""
    try:
        answer_tree, current_tree = ast.parse(answer), ast.parse(current)
    except SyntaxError:
        return answer
    carried = sorted(_carried(answer_tree, current_tree), key=lambda s: s.lineno)
    unbound = _unbound(ast.Module([*answer_tree.body, *carried], []))
    imports = sorted(filter(None, map(_import_line, unbound)))
    segments = [ast.get_source_segment(current, s) or "" for s in carried]
    if not imports and not segments:
        return answer
    parts = (["\n".join(imports)] if imports else []) + segments
    return _insert(answer, answer_tree, "\n\n".join(parts))


def _carried(answer: ast.Module, current: ast.Module) -> list[ast.stmt]:
    wanted = _unbound(answer)
    carried: list[ast.stmt] = []
    while wanted:
        found = [s for s in current.body if s not in carried and _defines(s) & wanted]
        if not found:
            break
        carried += found
        wanted = set().union(*(_unbound(ast.Module([s], [])) for s in found)) - _bound(answer)
        wanted -= set().union(*(_defines(s) for s in carried))
    return carried


def _import_line(name: str) -> str | None:
    if name == "np":
        return "import numpy as np"
    if name in sys.stdlib_module_names or name == "numpy":
        return f"import {name}"
    module = next((module for module, names in _FROM.items() if name in names), None)
    return f"from {module} import {name}" if module else None


def _insert(answer: str, tree: ast.Module, block: str) -> str:
    lines = answer.splitlines()
    at = len(lines)
    for index, statement in enumerate(tree.body):
        docstring = index == 0 and isinstance(statement, ast.Expr)
        if not (docstring or isinstance(statement, ast.Import | ast.ImportFrom)):
            decorators = statement.decorator_list if isinstance(statement, _DEFS) else []
            at = min([statement.lineno, *(d.lineno for d in decorators)]) - 1
            break
    return "\n".join([*lines[:at], block, "", *lines[at:]]).rstrip() + "\n"


def _unbound(tree: ast.Module) -> set[str]:
    """Names used where no binding reaches them, scope by scope, as pyflakes sees it: a local
    variable of one function does not define the name for another."""
    found = checker.Checker(tree, withDoctest=False)
    return {m.message_args[0] for m in found.messages if isinstance(m, messages.UndefinedName)}


def _bound(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, _DEFS):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _defines(statement: ast.stmt) -> set[str]:
    """The names a top-level statement of the current module binds."""
    if isinstance(statement, _DEFS):
        return {statement.name}
    return _bound(ast.Module([statement], []))
