"""Static screen: flags code that has no business in an optimization, before anything runs.

Each rule names what it saw and where. The rules target escape hatches (reaching the reference or
the harness, timers, interpreter internals, processes, sockets, files), never ordinary speed-ups:
numpy, itertools, bisect, heapq, functools.lru_cache, math, collections and sys.setrecursionlimit
all pass.
"""

import ast
from collections import Counter
from dataclasses import dataclass

_FORBIDDEN_MODULES = {
    "harness": "imports the harness",
    "reference_impls": "imports the reference implementation",
    "time": "touches timers (time)",
    "timeit": "touches timers (timeit)",
    "gc": "touches the garbage collector (gc)",
    "builtins": "touches builtins",
    "importlib": "imports modules dynamically (importlib)",
    "inspect": "inspects the interpreter's frames (inspect)",
    "ctypes": "uses ctypes",
    "cffi": "uses cffi",
    "subprocess": "starts processes (subprocess)",
    "multiprocessing": "starts processes (multiprocessing)",
    "pty": "starts processes (pty)",
    "signal": "handles signals",
    "resource": "changes resource limits",
    "socket": "opens sockets",
    "ssl": "opens sockets (ssl)",
    "http": "uses the network (http)",
    "urllib": "uses the network (urllib)",
    "requests": "uses the network (requests)",
    "shutil": "manipulates files (shutil)",
    "pathlib": "accesses files (pathlib)",
    "tempfile": "creates files (tempfile)",
    "pickle": "unpickles data (pickle)",
    "marshal": "loads code (marshal)",
    "atexit": "registers exit hooks (atexit)",
    "faulthandler": "touches interpreter internals (faulthandler)",
    "threading": "starts threads",
    "_thread": "starts threads",
}
_OS_ALLOWED = {"path", "cpu_count", "sep", "linesep"}
_SYS_FORBIDDEN = {
    "modules",
    "meta_path",
    "path_hooks",
    "path",
    "settrace",
    "setprofile",
    "_getframe",
    "addaudithook",
    "exit",
    "stdout",
    "stdin",
    "__stdout__",
    "audit",
}
_FORBIDDEN_CALLS = {
    "eval": "evaluates code (eval)",
    "exec": "executes code (exec)",
    "compile": "compiles code (compile)",
    "__import__": "imports modules dynamically (__import__)",
    "globals": "reads module globals (globals)",
    "vars": "reads namespaces dynamically (vars)",
    "breakpoint": "calls breakpoint",
    "exit": "exits the interpreter",
    "quit": "exits the interpreter",
}
_INTERNAL_ATTRIBUTES = {
    "__subclasses__",
    "__globals__",
    "__code__",
    "__closure__",
    "__builtins__",
    "__loader__",
    "__spec__",
    "f_back",
    "f_globals",
    "f_locals",
    "f_builtins",
    "f_code",
    "tb_frame",
    "gi_frame",
    "gi_code",
    "cr_frame",
    "ag_frame",
}
_WRITE_MODE_CHARS = set("wax+")


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
    visitor = _Screen(in_package)
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
    def __init__(self, in_package: bool) -> None:
        self.in_package = in_package
        self.findings: list[Finding] = []
        self.module_aliases: dict[str, str] = {}

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
            self._check_attribute(node, module.split(".")[0], alias.name)
            if alias.name != "*":
                self.module_aliases.setdefault(alias.asname or alias.name, f"{module}.{alias.name}")

    def _check_module(self, node: ast.AST, module: str) -> None:
        root = module.split(".")[0]
        if root in _FORBIDDEN_MODULES:
            self.flag(node, _FORBIDDEN_MODULES[root])

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in _INTERNAL_ATTRIBUTES:
            self.flag(node, f"reaches interpreter internals (.{node.attr})")
        if isinstance(node.value, ast.Name) and node.value.id in self.module_aliases:
            self._check_attribute(node, self.module_aliases[node.value.id], node.attr)
        self.generic_visit(node)

    def _check_attribute(self, node: ast.AST, module: str, attribute: str) -> None:
        if attribute == "__dict__":
            self.flag(node, f"reads the namespace of {module} (__dict__)")
        elif module == "os" and attribute not in _OS_ALLOWED:
            self.flag(node, f"uses os.{attribute} (processes, files or the environment)")
        elif module == "sys" and attribute in _SYS_FORBIDDEN:
            self.flag(node, f"touches interpreter state (sys.{attribute})")
        elif module == "io" and attribute in {"open", "FileIO", "open_code"}:
            self.flag(node, f"accesses files (io.{attribute})")

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in {"__builtins__", "__loader__", "__spec__"}:
            self.flag(node, f"reaches interpreter internals ({node.id})")
        root = self.module_aliases.get(node.id, "").split(".")[0]
        if isinstance(node.ctx, ast.Load) and root in _FORBIDDEN_MODULES:
            self.flag(node, _FORBIDDEN_MODULES[root])  # each use, not only the import
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name):
            name = node.func.id
            if name in _FORBIDDEN_CALLS:
                self.flag(node, _FORBIDDEN_CALLS[name])
            elif name == "open":
                self._check_open(node)
            elif name in {"setattr", "delattr"} and self._targets_module(node.args[:1]):
                self.flag(node, f"modifies a module with {name}()")
        self.generic_visit(node)

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
