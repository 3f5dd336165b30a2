"""The `robustir` command: a thin click group.

Subcommands live beside the code they drive and are imported only when invoked (or when
`--help` lists them), so `robustir --help` loads no torch, transformers or pandas.
Expected errors (`RobustirError`) print as one line on stderr with exit status 2.
"""
from __future__ import annotations

import importlib
import sys

import click

from robustir import __version__
from robustir.errors import RobustirError

# name -> "module:attribute" of a click command, imported on demand.
LAZY_COMMANDS: dict[str, str] = {
    "datasets": "robustir.cli.datasets:datasets_cmd",
    "attack": "robustir.cli.attack:attack_cmd",
    "attacks": "robustir.cli.attack:attacks_cmd",
    "score": "robustir.cli.score:score_cmd",
    "report": "robustir.cli.score:report_cmd",
    "submit": "robustir.cli.leaderboard:submit_cmd",
    "leaderboard": "robustir.cli.leaderboard:leaderboard_cmd",
    "train": "robustir.cli.train:train_cmd",
    "models": "robustir.cli.models:models_cmd",
    "encode": "robustir.cli.encode:encode_cmd",
    "reproduce": "robustir.cli.reproduce:reproduce_cmd",
    "audit": "robustir.cli.audit:audit_cmd",
    "export": "robustir.cli.export:export_cmd",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module, _, attr = LAZY_COMMANDS[name].partition(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[override]
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from robustir.errors import unknown_name

            raise click.UsageError(str(unknown_name("command", name, self.list_commands(ctx))))
        return super().resolve_command(ctx, args)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="robustir")
def cli() -> None:
    """robustir: robustness of multilingual retrievers to perturbed queries.

    \b
    Typical session:
      robustir datasets                      # what can be loaded
      robustir attack --dataset mldr-sample --lang de,ja --attack 'typo.keyboard(rate=0.1)' --out attacked/
      robustir score --model me5-small-q4 --dataset mldr-sample --lang de,ja --attacked attacked/ --out report.json
    """


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="robustir", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except RobustirError as exc:
        click.echo(f"robustir: error: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:  # a file-system error no library call turned into one line
        from robustir.errors import os_error

        click.echo(f"robustir: error: {os_error(exc, exc.filename or '?', 'use')}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
