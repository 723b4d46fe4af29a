"""Exceptions that reach the user as one-line messages."""


class HarnessError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits with code 2."""


class ConfigError(HarnessError):
    """A target or settings file is invalid."""


class TargetError(HarnessError):
    """A target is unusable, e.g. its reference fails on its own generated inputs."""
