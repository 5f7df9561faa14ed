"""The `vidgen` command line: a click group whose commands parse, call the library, print.

Commands live in vidgen/commands/ (one module each, so no file grows past a screenful of
options); this module only wires them together and owns the error and exit-code policy of
../shared/DESIGN.md. Nothing here imports torch or diffusers: `vidgen --help` stays fast.
"""

from __future__ import annotations

import os
import sys

import click

from vidgen import __version__
from vidgen.cache import lend_cache_to_checkers
from vidgen.cpu import prefer_passive_openmp_wait
from vidgen.errors import EXIT_USAGE, VidgenError

# Before any command imports torch: see vidgen/cpu.py for why.
prefer_passive_openmp_wait()


def _debug() -> bool:
    return os.environ.get("VIDGEN_DEBUG", "") not in ("", "0")


class VidgenGroup(click.Group):
    """A group that turns any error into one line on stderr and exit code 2.

    Set VIDGEN_DEBUG=1 to see the traceback instead.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except VidgenError as error:
            if _debug():
                raise
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)
        except BrokenPipeError:  # `vidgen models | head`: the reader left, nothing to report
            sys.stderr.close()
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as error:  # an internal error still gets one line, not a traceback
            if _debug():
                raise
            click.echo(
                f"Error: internal error: {type(error).__name__}: {error} "
                "(run with VIDGEN_DEBUG=1 for the traceback and please report it)",
                err=True,
            )
            ctx.exit(EXIT_USAGE)


@click.group(cls=VidgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vidgen")
def cli() -> None:
    """Make AI video from text, judge its temporal consistency, prove where it came from.

    \b
    Examples:
      vidgen make "a red ball falls and bounces"
      vidgen models
      vidgen check outputs/

    Exit codes: 0 all good, 1 a problem was found, 2 bad usage or unreadable input.
    """
    lend_cache_to_checkers()  # checkers' built-once files go in vidgen's cache folder


def _register_commands() -> None:
    from vidgen.commands import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_register_commands()


def _log_to_stderr() -> None:
    """Library messages (logger "vidgen") go to stderr as `vidgen: ...`; -q raises the level."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("vidgen: %(message)s"))
    logger = logging.getLogger("vidgen")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def set_quiet(quiet: bool) -> None:
    import logging

    logging.getLogger("vidgen").setLevel(logging.ERROR if quiet else logging.INFO)


def _terminate_as_interrupt() -> None:
    """SIGTERM (kill, systemd, a job scheduler) ends a run as Ctrl-C does: temp files go."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main() -> None:
    _log_to_stderr()
    _terminate_as_interrupt()
    cli(prog_name="vidgen")


if __name__ == "__main__":
    sys.exit(main())
