"""The command-line reference, generated from the commands' own help (``docs/cli.md``)."""

from __future__ import annotations

import click

from engagekit.cli import COMMANDS, cli


def _help(command: click.Command, path: list[str]) -> str:
    parent = None
    for name in path[:-1]:
        parent = click.Context(cli if parent is None else parent.command, info_name=name, parent=parent)
    context = click.Context(command, info_name=path[-1], parent=parent, max_content_width=100, terminal_width=100)
    return command.get_help(context)


def cli_reference_markdown() -> str:
    """Every command's ``--help``, in order, as Markdown."""
    lines = [
        "# Command-line reference",
        "",
        "Generated from the commands' own `--help` (`python -m engagekit.cli.reference > docs/cli.md`).",
        "",
    ]
    root = click.Context(cli, info_name="engagekit")
    for name in sorted(COMMANDS):
        command = cli.get_command(root, name)
        assert command is not None
        commands = [(f"engagekit {name}", command, ["engagekit", name])]
        if isinstance(command, click.Group):
            group_context = click.Context(command, info_name=name, parent=root)
            for sub in sorted(command.list_commands(group_context)):
                subcommand = command.get_command(group_context, sub)
                assert subcommand is not None
                commands.append((f"engagekit {name} {sub}", subcommand, ["engagekit", name, sub]))
        for title, each, path in commands:
            lines += [f"## `{title}`", "", "```text", _help(each, path).rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(cli_reference_markdown(), end="")
