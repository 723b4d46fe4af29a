"""Static screen: flags code that has no business in an optimization, before anything runs.

Each rule names what it saw and where. The rules target escape hatches (reaching the reference or
the harness, timers, interpreter internals, processes, sockets, files), never ordinary speed-ups:
numpy, itertools, bisect, heapq, functools.lru_cache, math, collections and sys.setrecursionlimit
all pass. An attribute named by a string the screen can build (`getattr(sys, "_get" + "frame")`)
is judged as if written out, and a module's private twin (`_signal`, `posix`) as the module.
"""

import ast
from collections import Counter
from dataclasses import dataclass

from harness.verify.screen_rules import (
    FORBIDDEN_CALLS,
    INTERNAL_ATTRIBUTES,
    PRIVATE_TWINS,
    SCREENED_BY_ATTRIBUTE,
    internal,
    module_attribute_reason,
    module_reason,
)
from harness.verify.static_strings import StaticStrings

_WRITE_MODE_CHARS = set("wax+")
# call -> does it write the attribute it names
_NAMED_ACCESS = {"getattr": False, "setattr": True, "delattr": True}
_DUNDER_ACCESS = {
    "__getattribute__": "getattr",
    "__getattr__": "getattr",
    "__setattr__": "setattr",
    "__delattr__": "delattr",
}
# a namespace's method -> does it write the key it is given
_NAMESPACE_METHODS = {
    "get": False,
    "__getitem__": False,
    "pop": True,
    "setdefault": True,
    "__setitem__": True,
    "__delitem__": True,
}
_GETTERS = {"operator.attrgetter", "operator.methodcaller"}


@dataclass(frozen=True)
class Finding:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def screen(
    source: str, function: str | None, arity: int, in_package: bool = False
) -> list[Finding]:
    """All findings for `source`; an empty list means it passes. Raises SyntaxError.
    `function`: the entry function the module must define (None: a helper module).
    `in_package`: the module runs inside its package, so relative imports are fine."""
    tree = ast.parse(source)
    visitor = _Screen(tree, in_package)
    visitor.visit(tree)
    entry = _entry_findings(tree, function, arity) if function is not None else []
    return [*entry, *visitor.findings]


def screen_change(
    source: str, original: str | None, function: str | None, arity: int, in_package: bool
) -> list[Finding]:
    """The findings of `source` that `original` (the frozen code it replaces) does not have: a
    construct on a line left as it was is the repository's own, not the candidate's. Every use of
    a flagged module is a finding of its own line, so a new use of an old import is still one."""
    findings = screen(source, function, arity, in_package)
    if original is None:
        return findings
    try:
        known = Counter(_key(f, original) for f in screen(original, function, arity, in_package))
    except SyntaxError:
        return findings
    fresh = []
    for finding in findings:
        key = _key(finding, source)
        if known[key] > 0:
            known[key] -= 1
        else:
            fresh.append(finding)
    return fresh


def _key(finding: Finding, source: str) -> tuple[str, str]:
    """What a finding is, wherever its line moved: its message and its line's text."""
    lines = source.splitlines()
    text = lines[finding.line - 1].strip() if 0 < finding.line <= len(lines) else ""
    return finding.message, text


def _entry_findings(tree: ast.Module, function: str, arity: int) -> list[Finding]:
    definitions = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function
    ]
    if not definitions:
        return [Finding(1, f"defines no top-level function `{function}`")]
    definition = definitions[-1]
    if isinstance(definition, ast.AsyncFunctionDef):
        return [Finding(definition.lineno, f"`{function}` is async; it must return its result")]
    args = definition.args
    positional = len(args.posonlyargs) + len(args.args)
    required = positional - len(args.defaults)
    takes = positional >= arity or args.vararg is not None
    required_kwonly = [
        a for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None
    ]
    if required > arity or not takes or required_kwonly:
        return [
            Finding(definition.lineno, f"`{function}` cannot be called with {arity} argument(s)")
        ]
    return []


class _Screen(ast.NodeVisitor):
    def __init__(self, tree: ast.Module, in_package: bool) -> None:
        self.in_package = in_package
        self.findings: list[Finding] = []
        self.module_aliases: dict[str, str] = {}
        self.strings = StaticStrings(tree)

    def flag(self, node: ast.AST, message: str) -> None:
        self.findings.append(Finding(getattr(node, "lineno", 1), message))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(node, alias.name)
            root = alias.name.split(".")[0]
            self.module_aliases[alias.asname or root] = alias.name if alias.asname else root

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level and not self.in_package:
            self.flag(node, "uses a relative import (the module must stand alone)")
        self._check_module(node, module)
        for alias in node.names:
            reason = module_attribute_reason(module.split(".")[0], alias.name)
            if reason:
                self.flag(node, reason)
            if alias.name != "*":
                self.module_aliases.setdefault(alias.asname or alias.name, f"{module}.{alias.name}")

    def _check_module(self, node: ast.AST, module: str) -> None:
        reason = module_reason(module)
        if reason:
            self.flag(node, reason)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        for reason in self._attribute_reasons(node.value, node.attr):
            self.flag(node, reason)
        self.generic_visit(node)

    def _attribute_reasons(self, owner: ast.expr, attribute: str) -> list[str]:
        """Why reading `owner.attribute`, written out, is refused (the owner's own use aside)."""
        reasons = [internal(attribute)] if attribute in INTERNAL_ATTRIBUTES else []
        module = self._module_named(owner)
        reason = module_attribute_reason(module, attribute) if module else None
        return [*reasons, reason] if reason else reasons

    def _module_named(self, node: ast.expr) -> str | None:
        """The module `node` names, when it is a name an import bound."""
        return self.module_aliases.get(node.id) if isinstance(node, ast.Name) else None

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in {"__builtins__", "__loader__", "__spec__"}:
            self.flag(node, f"reaches interpreter internals ({node.id})")
        reason = module_reason(self.module_aliases.get(node.id, ""))
        if isinstance(node.ctx, ast.Load) and reason:
            self.flag(node, reason)  # each use, not only the import
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        for name in self._callees(node.func):
            if name in FORBIDDEN_CALLS:
                self.flag(node, FORBIDDEN_CALLS[name])
            elif name == "open":
                self._check_open(node)
            elif name in _NAMED_ACCESS and len(node.args) >= 2:
                self._check_named_call(node, name, node.args[0], node.args[1])
        if (getter := self._module_function(node.func).lstrip("_")) in _GETTERS:
            self._check_getters(node, getter)
        elif isinstance(node.func, ast.Attribute):
            self._check_method(node, node.func)
        self.generic_visit(node)

    def _callees(self, func: ast.expr) -> list[str]:
        """The name a call is made through, and the one that name was bound from (`g = getattr`):
        both, so that rebinding a checked name (`open = other`) hides nothing."""
        if not isinstance(func, ast.Name):
            return []
        bound = self.strings.bound.get(func.id)
        return list(dict.fromkeys([func.id, bound.id if isinstance(bound, ast.Name) else func.id]))

    def _module_function(self, func: ast.expr) -> str:
        """`module.function` for a function an import reaches, else ''."""
        if isinstance(func, ast.Name):
            return self.module_aliases.get(func.id, "")
        if isinstance(func, ast.Attribute) and (module := self._module_named(func.value)):
            return f"{module}.{func.attr}"
        return ""

    def _check_named_call(
        self, node: ast.Call, call: str, owner: ast.expr, key: ast.expr, shown_as: str = ""
    ) -> None:
        """`getattr(owner, key)` and its kin (shown as `shown_as`, by default the kin's name):
        judged as `owner.key` when the key can be built."""
        name = self.strings.resolve(key)
        module = self._module_named(owner)
        shown = f"{shown_as or call}({ast.unparse(owner)}, "
        if name is not None:
            self._flag_named(node, f"{shown}{name!r})", owner, name, _NAMED_ACCESS[call])
        elif _NAMED_ACCESS[call] and self._targets_module([owner]):
            self.flag(node, f"modifies a module with {call}()")
        elif module and PRIVATE_TWINS.get(module, module) in SCREENED_BY_ATTRIBUTE:
            shown += f"{ast.unparse(key)})"
            self.flag(node, f"{shown} names an attribute of {module} the screen cannot work out")

    def _flag_named(
        self, node: ast.AST, shown: str, owner: ast.expr, name: str, write: bool
    ) -> None:
        """Flag what `owner.name`, read or written, would be flagged for if written out."""
        module = self._module_named(owner)
        reasons = [module_reason(module)] if module else []
        reasons += self._attribute_reasons(owner, name)
        if write and self._targets_module([owner]):
            reasons.append(f"modifies an imported module ({ast.unparse(owner)}.{name})")
        for reason in filter(None, reasons):
            self.flag(node, f"{shown} names {name!r}, refused as an attribute: {reason}")

    def _check_getters(self, node: ast.Call, getter: str) -> None:
        """`attrgetter('a.f_back')` and `methodcaller('__subclasses__')`: the object is not
        known, so only names refused on any object count."""
        for key in node.args[:1] if getter == "operator.methodcaller" else node.args:
            path = self.strings.resolve(key) or ""
            for name in filter(INTERNAL_ATTRIBUTES.__contains__, path.split(".")):
                shown = f"{ast.unparse(node.func)}({path!r}) names {name!r}"
                self.flag(node, f"{shown}, refused as an attribute: {internal(name)}")

    def _check_method(self, node: ast.Call, func: ast.Attribute) -> None:
        """`object.__setattr__(m, 'x', v)`, `m.__getattribute__('x')` and the get, pop and
        setdefault of a namespace (`vars(m)`, `m.__dict__`)."""
        call = _DUNDER_ACCESS.get(func.attr)
        unbound = len(node.args) == (3 if call == "setattr" else 2)
        if call and unbound:
            self._check_named_call(node, call, node.args[0], node.args[1], ast.unparse(func))
        elif call and node.args:
            self._check_named_call(node, call, func.value, node.args[0])
        owner = self._namespace_owner(func.value)
        if owner is None or func.attr not in _NAMESPACE_METHODS or not node.args:
            return
        name = self.strings.resolve(node.args[0])
        if name is not None:
            shown = f"{ast.unparse(func)}({name!r})"
            self._flag_named(node, shown, owner, name, _NAMESPACE_METHODS[func.attr])

    def visit_Subscript(self, node: ast.Subscript) -> None:
        owner = self._namespace_owner(node.value)
        name = self.strings.resolve(node.slice) if owner is not None else None
        if owner is not None and name is not None:
            shown = f"{ast.unparse(node.value)}[{name!r}]"
            self._flag_named(node, shown, owner, name, not isinstance(node.ctx, ast.Load))
        self.generic_visit(node)

    def _namespace_owner(self, node: ast.expr) -> ast.expr | None:
        """`x` when `node` is x's namespace: `vars(x)`, `x.__dict__`, `getattr(x, '__dict__')`."""
        if isinstance(node, ast.Attribute) and node.attr == "__dict__":
            return node.value
        if not isinstance(node, ast.Call) or not node.args:
            return None
        callees = self._callees(node.func)
        if "vars" in callees and len(node.args) == 1:
            return node.args[0]
        named = "getattr" in callees and len(node.args) >= 2
        return node.args[0] if named and self.strings.resolve(node.args[1]) == "__dict__" else None

    def _check_open(self, node: ast.Call) -> None:
        path = node.args[0] if node.args else None
        mode = node.args[1] if len(node.args) > 1 else None
        mode = next((k.value for k in node.keywords if k.arg == "mode"), mode)
        if not (isinstance(mode, ast.Constant | type(None))):
            self.flag(node, "opens a file with a computed mode")
        elif isinstance(mode, ast.Constant) and _WRITE_MODE_CHARS & set(str(mode.value)):
            self.flag(node, "writes files")
        if not (isinstance(path, ast.Constant) and isinstance(path.value, str)):
            self.flag(node, "opens a file by a computed path (only literal relative paths)")
        elif path.value.startswith(("/", "~")) or ".." in path.value:
            self.flag(node, f"reads files outside its folder ({path.value})")

    def visit_Assign(self, node: ast.Assign) -> None:
        self._check_targets(node.targets)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._check_targets([node.target])
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        self._check_targets(node.targets)
        self.generic_visit(node)

    def _check_targets(self, targets: list[ast.expr]) -> None:
        for target in targets:
            if isinstance(target, ast.Attribute) and self._targets_module([target.value]):
                self.flag(target, f"modifies an imported module ({ast.unparse(target)})")

    def _targets_module(self, nodes: list[ast.expr]) -> bool:
        """Is the first node an imported module, or an attribute chain rooted at one?"""
        node = nodes[0] if nodes else None
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and node.id in self.module_aliases
