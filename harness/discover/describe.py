"""Turn a recorded hot function into a `[[target]]`: its signature with types (annotations where
the code has them, else what the recorded calls show), its description and its output type."""

import ast
from pathlib import Path
from typing import Any

from harness.discover.record import Recording, outputs
from harness.paths import INPUTS_DIR
from harness.sandbox.codec import Keywords, decode
from harness.targets.infer import infer_type
from harness.targets.repo_config import RepoInputs, RepoTarget
from harness.targets.tree import import_roots


def repo_target(
    repo: Path, recording: Recording, name: str, test_command: str | None
) -> RepoTarget:
    spot = recording.hotspot
    assert spot.module is not None
    definition = _definition(repo / spot.file, spot.name)
    closure = ".<locals>." in spot.name
    output_type = str(infer_type(outputs(recording)))
    root = next(r for r in import_roots(repo) if (repo / spot.file).is_relative_to(r))
    return RepoTarget(
        name=name,
        entry=spot.entry,
        import_root=str(root.relative_to(repo)) or ".",
        editable=[spot.file],
        signature=_signature(definition, recording, output_type, closure),
        description=_description(definition, spot.module, spot.name),
        output_type=output_type,
        mutates_inputs=recording.mutates,
        test_command=test_command,
        calls_per_process=spot.calls_per_process,
        inputs=RepoInputs(recorded=f"{INPUTS_DIR}/{name}.jsonl"),
    )


def _definition(file: Path, qualname: str) -> ast.FunctionDef:
    """The definition a qualified name (`f`, `Class.method`, `factory.<locals>.inner`) names."""
    node: ast.AST = ast.parse(file.read_text(encoding="utf-8"))
    for part in qualname.replace(".<locals>.", ".").split("."):
        found = [
            child
            for child in ast.walk(node)
            if child is not node
            and isinstance(child, ast.FunctionDef | ast.ClassDef)
            and child.name == part
        ]
        if not found:
            raise LookupError(f"{file}: no function {qualname}")
        node = found[0]
    if not isinstance(node, ast.FunctionDef):
        raise LookupError(f"{file}: {qualname} is not a function")
    return node


def _signature(
    definition: ast.FunctionDef, recording: Recording, output_type: str, closure: bool
) -> str:
    """Annotations where the code has them, else the types of the recorded values; a closure's
    calls start with its factory's arguments, which its own signature leaves out."""
    calls = [decode(call["args"]) for call in recording.calls]
    calls = [call[1:] if closure else call for call in calls]
    keywords = [call[-1] for call in calls if call and type(call[-1]) is Keywords]
    spec = definition.args
    parts = [
        f"{p.arg}: {_type(p, [call[i] for call in calls if i < len(call)])}"
        for i, p in enumerate(spec.posonlyargs + spec.args)
    ]
    if spec.vararg is not None:
        parts.append(f"*{spec.vararg.arg}")
    elif spec.kwonlyargs:
        parts.append("*")
    parts += [
        f"{p.arg}: {_type(p, [k[p.arg] for k in keywords if p.arg in k])}" for p in spec.kwonlyargs
    ]
    if spec.kwarg is not None:
        parts.append(f"**{spec.kwarg.arg}")
    return f"{definition.name}({', '.join(parts)}) -> {output_type}"


def _type(parameter: ast.arg, values: list[Any]) -> str:
    if parameter.annotation is not None:
        return ast.unparse(parameter.annotation)
    return str(infer_type(value for value in values if type(value) is not Keywords))


def _description(definition: ast.FunctionDef, module: str, qualname: str) -> str:
    doc = ast.get_docstring(definition)
    first = doc.strip().splitlines()[0] if doc and doc.strip() else ""
    described = first or f"`{qualname}` from `{module}`, as the repository's own code defines it."
    factory, _, inner = qualname.partition(".<locals>.")
    if inner:  # the optimizer must know the first argument is not the closure's own
        described += (
            f" A closure made by `{factory}`: each recorded call's first argument is the list of "
            "arguments the factory was called with, and the closure it returns is called with "
            "the rest."
        )
    return described
