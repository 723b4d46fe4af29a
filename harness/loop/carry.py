"""Carry the current module's top-level definitions into an answer that uses them but left them
out. Small models often answer with the entry function alone and drop a constant, helper or
import it still needs (`LETTERS`, `np`), which fails on import. The carried statements are the
current code's own, and the result goes through the whole gate like any candidate."""

import ast
import builtins

_BUILTINS = frozenset(dir(builtins))
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def carry_over(answer: str, current: str) -> str:
    """`answer` with the top-level statements of `current` that define names it uses but never
    binds (and, in turn, what those statements need), inserted after its docstring and imports."""
    try:
        answer_tree, current_tree = ast.parse(answer), ast.parse(current)
    except SyntaxError:
        return answer
    wanted = _unbound(answer_tree)
    carried: list[ast.stmt] = []
    while wanted:
        found = [s for s in current_tree.body if s not in carried and _defines(s) & wanted]
        if not found:
            break
        carried += found
        wanted = set().union(*(_unbound(ast.Module([s], [])) for s in found)) - _bound(answer_tree)
        wanted -= set().union(*(_defines(s) for s in carried))
    if not carried:
        return answer
    ordered = sorted(carried, key=lambda s: s.lineno)  # the current module's order
    segments = [ast.get_source_segment(current, s) or "" for s in ordered]
    return _insert(answer, answer_tree, "\n\n".join(segments))


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
    loaded = {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    return loaded - _bound(tree) - _BUILTINS


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
