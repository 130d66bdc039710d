"""``engagekit schema``: the JSON Schema of council definition files, for editors."""

from __future__ import annotations

from pathlib import Path

import click

from engagekit.cli.output import write_output


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write the schema to FILE instead of printing it.",
)
def schema(output: Path | None) -> None:
    """Print the JSON Schema (draft 2020-12) of council definition files.

    The schema is generated from the model, so it always matches what engagekit validate
    accepts in shape (unknown keys, enum values, date forms, types); references between ids
    are still only checked by engagekit validate.

    \b
    Examples:
      engagekit schema
      engagekit schema --output engagekit-definition.schema.json

    \b
    To have an editor check and complete a definition file, point the YAML language
    server (VS Code's YAML extension, and others) at the schema with a first line of:
      # yaml-language-server: $schema=engagekit-definition.schema.json
    """
    from engagekit.definition.jsonschema import schema_json

    write_output(schema_json(), output)
