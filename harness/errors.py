"""Exceptions that reach the user as one-line messages."""

import re


class HarnessError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits with code 2."""


class ConfigError(HarnessError):
    """A target or settings file is invalid."""


class TargetError(HarnessError):
    """A target is unusable, e.g. its reference fails on its own generated inputs."""


def install_line(requirement: str, env: str = "") -> str:
    """The exact shell line that installs a pip requirement such as `mlflow==3.17.2`; `env` is
    put before it (e.g. build flags)."""
    return f"{env} pip install '{requirement}'".lstrip()


def missing(user: str, requirement: str, *, env: str = "", instead: str = "") -> ConfigError:
    """The error for `user` (e.g. "the MLflow store") needing a package that is not installed: it
    ends with the exact line that installs it, after `instead` (a preferred way) when given."""
    package = re.split(r"[=<>!~;]", requirement, maxsplit=1)[0]
    line = install_line(requirement, env)
    return ConfigError(f"{user} needs {package}: {f'{instead} (or: {line})' if instead else line}")
