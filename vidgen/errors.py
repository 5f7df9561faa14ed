"""Errors a user can act on, and the exit codes of ../shared/DESIGN.md.

Library code raises these; the CLI turns them into one line on stderr and an exit
code. Nothing else in the package should print an error or call sys.exit.
"""

EXIT_OK = 0
EXIT_FINDINGS = 1  # the command ran and found a problem (a check failed, provenance missing)
EXIT_USAGE = 2  # bad usage, unreadable input, or an internal error


class VidgenError(Exception):
    """A problem with the user's input or environment; the message names the input and the fix."""

    exit_code = EXIT_USAGE


class UsageError(VidgenError):
    """Bad arguments or input files."""


class ModelError(VidgenError):
    """A model that cannot be found, loaded or used for text-to-video."""
