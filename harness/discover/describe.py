"""Turn a recorded hot function into a `[[target]]`: its signature with types (annotations where
the code has them, else what the recorded calls show), its description and its output type."""

import ast
from pathlib import Path

from harness.discover.record import Recording, outputs
from harness.paths import INPUTS_DIR
from harness.sandbox.codec import decode
from harness.targets.infer import infer_type
from harness.targets.repo_config import RepoInputs, RepoTarget
from harness.targets.tree import import_roots


def repo_target(
    repo: Path, recording: Recording, name: str, test_command: str | None
) -> RepoTarget:
    spot = recording.hotspot
    assert spot.module is not None
    definition = _definition(repo / spot.file, spot.name)
    output_type = str(infer_type(outputs(recording)))
    root = next(r for r in import_roots(repo) if (repo / spot.file).is_relative_to(r))
    return RepoTarget(
        name=name,
        entry=spot.entry,
        import_root=str(root.relative_to(repo)) or ".",
        editable=[spot.file],
        signature=_signature(definition, recording, output_type),
        description=_description(definition, spot.module, spot.name),
        output_type=output_type,
        mutates_inputs=recording.mutates,
        test_command=test_command,
        inputs=RepoInputs(recorded=f"{INPUTS_DIR}/{name}.jsonl"),
    )


def _definition(file: Path, name: str) -> ast.FunctionDef:
    tree = ast.parse(file.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise LookupError(f"{file}: no module-level function {name}")


def _signature(definition: ast.FunctionDef, recording: Recording, output_type: str) -> str:
    arguments = [decode(call["args"]) for call in recording.calls]
    parts = []
    for index, parameter in enumerate(definition.args.posonlyargs + definition.args.args):
        if parameter.annotation is not None:
            kind = ast.unparse(parameter.annotation)
        else:
            kind = str(infer_type(args[index] for args in arguments if index < len(args)))
        parts.append(f"{parameter.arg}: {kind}")
    return f"{definition.name}({', '.join(parts)}) -> {output_type}"


def _description(definition: ast.FunctionDef, module: str, name: str) -> str:
    doc = ast.get_docstring(definition)
    first = doc.strip().splitlines()[0] if doc and doc.strip() else ""
    return first or f"`{name}` from `{module}`, as the repository's own code defines it."
