"""What the static screen refuses: modules, their private twins, attributes and builtins, each
with the reason a finding gives. `screen.py` finds them in the code."""

FORBIDDEN_MODULES = {
    "harness": "imports the harness",
    "reference_impls": "imports the reference implementation",
    "time": "touches timers (time)",
    "timeit": "touches timers (timeit)",
    "gc": "touches the garbage collector (gc)",
    "builtins": "touches builtins",
    "importlib": "imports modules dynamically (importlib)",
    "imp": "imports modules dynamically (imp)",
    "pkgutil": "imports modules dynamically (pkgutil)",
    "zipimport": "imports modules dynamically (zipimport)",
    "runpy": "runs modules (runpy)",
    "code": "compiles code (code)",
    "codeop": "compiles code (codeop)",
    "inspect": "inspects the interpreter's frames (inspect)",
    "ctypes": "uses ctypes",
    "cffi": "uses cffi",
    "subprocess": "starts processes (subprocess)",
    "multiprocessing": "starts processes (multiprocessing)",
    "concurrent": "starts processes or threads (concurrent)",
    "asyncio": "starts processes and opens sockets (asyncio)",
    "pty": "starts processes (pty)",
    "signal": "handles signals",
    "resource": "changes resource limits",
    "socket": "opens sockets",
    "ssl": "opens sockets (ssl)",
    "http": "uses the network (http)",
    "urllib": "uses the network (urllib)",
    "requests": "uses the network (requests)",
    "shutil": "manipulates files (shutil)",
    "mmap": "maps files and memory (mmap)",
    "fcntl": "controls file descriptors (fcntl)",
    "pathlib": "accesses files (pathlib)",
    "tempfile": "creates files (tempfile)",
    "pickle": "unpickles data (pickle)",
    "marshal": "loads code (marshal)",
    "atexit": "registers exit hooks (atexit)",
    "faulthandler": "touches interpreter internals (faulthandler)",
    "threading": "starts threads",
}
# The modules behind screened ones (mostly their C halves): the same functions by another name.
PRIVATE_TWINS = {
    "_imp": "importlib",
    "_frozen_importlib": "importlib",
    "_frozen_importlib_external": "importlib",
    "_ctypes": "ctypes",
    "_cffi_backend": "cffi",
    "_posixsubprocess": "subprocess",
    "_winapi": "subprocess",
    "_multiprocessing": "multiprocessing",
    "_posixshmem": "multiprocessing",
    "_signal": "signal",
    "_socket": "socket",
    "_ssl": "ssl",
    "_pickle": "pickle",
    "_thread": "threading",
    "_asyncio": "asyncio",
    "posix": "os",
    "nt": "os",
    "_io": "io",
    "_pyio": "io",
}
# modules judged attribute by attribute: a name the screen cannot build could be any of them
SCREENED_BY_ATTRIBUTE = {"os", "sys", "io"}
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
FORBIDDEN_CALLS = {
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
INTERNAL_ATTRIBUTES = {
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


def module_reason(module: str) -> str | None:
    """Why any use of `module` is refused; None when it is not (os, sys and io are judged by the
    attribute used)."""
    root = module.split(".")[0]
    public = PRIVATE_TWINS.get(root, root)
    reason = FORBIDDEN_MODULES.get(public)
    return f"{reason} (private twin of {public})" if reason and public != root else reason


def module_attribute_reason(module: str, attribute: str) -> str | None:
    """Why `module.attribute` is refused, when the module itself is not."""
    public = PRIVATE_TWINS.get(module, module)
    if attribute == "__dict__":
        reason = f"reads the namespace of {module} (__dict__)"
    elif public == "os" and attribute not in _OS_ALLOWED:
        reason = f"uses {module}.{attribute} (processes, files or the environment)"
    elif public == "sys" and attribute in _SYS_FORBIDDEN:
        reason = f"touches interpreter state (sys.{attribute})"
    elif public == "io" and attribute in {"open", "FileIO", "open_code"}:
        reason = f"accesses files ({module}.{attribute})"
    else:
        return None
    return reason if public == module else f"{reason} (private twin of {public})"


def internal(attribute: str) -> str:
    return f"reaches interpreter internals (.{attribute})"
