"""The command-line reference, generated from the commands' own help (``docs/cli.md``)."""

from __future__ import annotations

import click

from engagekit.cli import COMMANDS, cli


def _context(command: click.Command, name: str, parent: click.Context | None) -> click.Context:
    """A context made as click makes it, so the root's settings (``-h``, width) apply."""
    context = command.make_context(name, [], parent=parent, resilient_parsing=True)
    context.max_content_width = 100
    context.terminal_width = 100
    return context


def cli_reference_markdown() -> str:
    """Every command's ``--help``, in order, as Markdown."""
    lines = [
        "# Command-line reference",
        "",
        "Generated from the commands' own `--help` (`python -m engagekit.cli.reference > docs/cli.md`).",
        "",
    ]
    root = _context(cli, "engagekit", None)
    for name in sorted(COMMANDS):
        command = cli.get_command(root, name)
        assert command is not None
        context = _context(command, name, root)
        helps = [(f"engagekit {name}", command.get_help(context))]
        if isinstance(command, click.Group):
            for sub in sorted(command.list_commands(context)):
                subcommand = command.get_command(context, sub)
                assert subcommand is not None
                helps.append((f"engagekit {name} {sub}", subcommand.get_help(_context(subcommand, sub, context))))
        for title, text in helps:
            lines += [f"## `{title}`", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(cli_reference_markdown(), end="")
