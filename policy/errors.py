"""Errors of the policy app. Messages of ``PolicyError`` are shown to the user as they are."""


class PolicyError(Exception):
    """A service refused: the version is not in the right state, or the input is invalid."""


class ImmutableError(PolicyError):
    """Code tried to change an adopted (or otherwise closed) version or its rules."""


class ParameterError(PolicyError, ValueError):
    """A parameter is missing or has the wrong shape."""
