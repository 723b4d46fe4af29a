"""Strings the static screen can build without running anything, so that an attribute named by
one (`getattr(sys, "_get" + "frame")`) is judged as if written out.

Built: constants; names bound once in the module to such strings; `+`; `%s`; f-strings without
a format spec; `str.join`; `str.format` with plain fields; slices and indexes by constants;
case changes and `strip`. Anything else is unknown (None), never guessed.
"""

import ast
import string
from collections import Counter

# No attribute the screen's rules know is longer; the cap also keeps a chain of doubling
# concatenations (`b = a + a`, `c = b + b`, ...) from exhausting the screen.
MAX_LENGTH = 256
# A string built by more deeply nested operations is unknown: the stack stays short.
MAX_DEPTH = 32
_CASE_METHODS = {"lower", "upper", "casefold", "swapcase", "title", "capitalize", "strip"}
# the nodes other than a Name that bind names
_BINDERS: tuple[type[ast.AST], ...] = (ast.arg, ast.alias, ast.FunctionDef, ast.AsyncFunctionDef)
_BINDERS += (ast.ClassDef, ast.ExceptHandler, ast.MatchAs, ast.MatchStar, ast.MatchMapping)
_BINDERS += (ast.Global, ast.Nonlocal)


class StaticStrings:
    def __init__(self, tree: ast.Module) -> None:
        self.bound = bound_once(tree)
        self._depth = 0
        # each name once, after the names its value uses: a chain of names, however long,
        # never deepens the stack, and its end is known wherever it is first looked up
        self._known: dict[str, str | None] = {}
        for name in _dependency_order(self.bound):
            self._known[name] = self.resolve(self.bound[name])

    def resolve(self, node: ast.expr) -> str | None:
        """The string `node` always evaluates to, or None when the screen cannot tell."""
        if self._depth >= MAX_DEPTH:
            return None
        self._depth += 1
        try:
            value = self._build(node)
        finally:
            self._depth -= 1
        return value if value is None or len(value) <= MAX_LENGTH else None

    def _build(self, node: ast.expr) -> str | None:
        match node:
            case ast.Constant(value=str() as value):
                return value
            case ast.Name(id=name):
                return self._known.get(name)  # None: bound more than once, or in a cycle
            case ast.BinOp(left=left, op=ast.Add(), right=right):
                return _concatenate(self.resolve(left), self.resolve(right))
            case ast.BinOp(left=left, op=ast.Mod(), right=right):
                args = right.elts if isinstance(right, ast.Tuple) else [right]
                return _percent(self.resolve(left), self._all(args))
            case ast.JoinedStr(values=values):
                return _concatenate(*map(self._fstring_part, values))
            case ast.Subscript(value=value, slice=index):
                return _index(self.resolve(value), index)
            case ast.Call(func=ast.Attribute(value=owner, attr=method)):
                return self._method(self.resolve(owner), method, node)
        return None

    def _fstring_part(self, node: ast.expr) -> str | None:
        if not isinstance(node, ast.FormattedValue):
            return self.resolve(node)
        plain = node.format_spec is None and node.conversion in {-1, ord("s")}
        return self.resolve(node.value) if plain else None

    def _method(self, owner: str | None, method: str, call: ast.Call) -> str | None:
        if owner is None:
            return None
        if method == "join" and len(call.args) == 1 and not call.keywords:
            items = self._items(call.args[0])
            return owner.join(items) if items is not None else None
        if method == "format":
            args = self._all(call.args)
            values = [self.resolve(k.value) for k in call.keywords]
            names = [k.arg for k in call.keywords]
            kwargs = {n: v for n, v in zip(names, values, strict=True) if n and v is not None}
            complete = args is not None and len(kwargs) == len(call.keywords)
            return _format(owner, args or [], kwargs) if complete else None
        if method in _CASE_METHODS and not call.args and not call.keywords:
            return str(getattr(owner, method)())
        return None

    def _items(self, node: ast.expr) -> list[str] | None:
        """What `str.join` would iterate: a literal list or tuple of strings, the characters of
        a string, or `reversed` of either."""
        match node:
            case ast.List(elts=elements) | ast.Tuple(elts=elements):
                return self._all(elements)
            case ast.Call(func=ast.Name(id="reversed"), args=[inner]):
                items = self._items(inner)
                return items[::-1] if items is not None else None
        value = self.resolve(node)
        return list(value) if value is not None else None

    def _all(self, nodes: list[ast.expr]) -> list[str] | None:
        items = [self.resolve(node) for node in nodes]
        return [item for item in items if item is not None] if None not in items else None


def bound_once(tree: ast.Module) -> dict[str, ast.expr]:
    """Names bound exactly once in the whole module, by a plain `name = value`, with the value:
    a name bound anywhere else too (a parameter, a loop, another scope) is left out."""
    counts: Counter[str] = Counter()
    values: dict[str, ast.expr] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):  # most nodes: checked first, the screen runs often
            counts[node.id] += not isinstance(node.ctx, ast.Load)
        elif isinstance(node, _BINDERS):
            counts.update(_bound_names(node))
        if isinstance(node, ast.Assign):
            values.update((t.id, node.value) for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            values[node.target.id] = node.value
    return {name: value for name, value in values.items() if counts[name] == 1}


def _dependency_order(bound: dict[str, ast.expr]) -> list[str]:
    """The bound names, each after the bound names its value uses (a cycle is cut anywhere);
    walked with a stack of its own, since a hostile chain may be thousands of names long."""
    order: list[str] = []
    seen: set[str] = set()
    stack = [(name, False) for name in reversed(bound)]
    while stack:
        name, finished = stack.pop()
        if finished:
            order.append(name)
        elif name in bound and name not in seen:
            seen.add(name)
            stack.append((name, True))
            used = {node.id for node in ast.walk(bound[name]) if isinstance(node, ast.Name)}
            stack.extend((other, False) for other in used)
    return order


def _bound_names(node: ast.AST) -> list[str]:
    """The names a node other than a Name binds itself (its children bind their own)."""
    match node:
        case ast.arg(arg=name):
            return [name]
        case ast.alias(name=name, asname=asname):
            return [asname or name.split(".")[0]]
        case ast.FunctionDef(name=name) | ast.AsyncFunctionDef(name=name) | ast.ClassDef(name=name):
            return [name]
        case ast.ExceptHandler(name=str() as name) | ast.MatchAs(name=str() as name):
            return [name]
        case ast.MatchStar(name=str() as name) | ast.MatchMapping(rest=str() as name):
            return [name]
        case ast.Global(names=names) | ast.Nonlocal(names=names):
            return names  # rebound inside a function: never a constant
    return []


def _concatenate(*parts: str | None) -> str | None:
    return None if None in parts else "".join(part for part in parts if part is not None)


def _percent(template: str | None, args: list[str] | None) -> str | None:
    """`template % args` where every directive is a plain %s."""
    if template is None or args is None:
        return None
    pieces = template.split("%s")
    if len(pieces) != len(args) + 1 or any("%" in piece for piece in pieces):
        return None
    return "".join(piece + arg for piece, arg in zip(pieces, [*args, ""], strict=True))


def _format(template: str, args: list[str], kwargs: dict[str, str]) -> str | None:
    """`template.format(*args, **kwargs)` with plain fields only: no attribute, index, spec."""
    out, automatic = [], iter(args)
    try:
        for text, field, spec, conversion in string.Formatter().parse(template):
            out.append(text)
            if field is None:
                continue
            if spec or conversion not in {None, "s"}:
                return None
            out.append(next(automatic) if field == "" else _field(field, args, kwargs))
    except (ValueError, IndexError, KeyError, StopIteration):
        return None
    return "".join(out)


def _field(field: str, args: list[str], kwargs: dict[str, str]) -> str:
    return args[int(field)] if field.isdecimal() else kwargs[field]


def _index(value: str | None, index: ast.expr) -> str | None:
    """`value[index]` for a constant index or slice."""
    parts: list[ast.expr | None] = [index]
    if isinstance(index, ast.Slice):
        parts = [index.lower, index.upper, index.step]
    bounds = _constant_ints(parts)
    if value is None or bounds is None:
        return None
    try:
        return value[slice(*bounds)] if isinstance(index, ast.Slice) else value[bounds[0] or 0]
    except (IndexError, ValueError):  # out of range; a step of 0
        return None


def _constant_ints(parts: list[ast.expr | None]) -> list[int | None] | None:
    try:
        bounds = [None if part is None else ast.literal_eval(part) for part in parts]
    except (ValueError, TypeError, SyntaxError):
        return None
    return bounds if all(b is None or type(b) is int for b in bounds) else None
