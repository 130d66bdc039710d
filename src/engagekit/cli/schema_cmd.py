"""``engagekit schema``: the JSON Schema of council definition files, for editors, or of the
JSON report, for programs that read it."""

from __future__ import annotations

from pathlib import Path

import click

from engagekit.cli.output import write_output


@click.command()
@click.option(
    "--of",
    "of",
    type=click.Choice(["definition", "report"]),
    default="definition",
    show_default=True,
    help="Whose schema: council definition files, or the JSON report (report --format json).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write the schema to FILE instead of printing it.",
)
def schema(of: str, output: Path | None) -> None:
    """Print the JSON Schema (draft 2020-12) of council definition files.

    The schema is generated from the model, so it always matches what engagekit validate
    accepts in shape (unknown keys, enum values, date forms, types); references between ids
    are still only checked by engagekit validate.

    \b
    Examples:
      engagekit schema
      engagekit schema --output engagekit-definition.schema.json
      engagekit schema --of report --output engagekit-report.schema.json

    \b
    To have an editor check and complete a definition file, point the YAML language
    server (VS Code's YAML extension, and others) at the schema with a first line of:
      # yaml-language-server: $schema=engagekit-definition.schema.json

    With --of report it is the schema of the JSON report instead (docs/report-schema.json),
    whose schema_version says when a reader must change.
    """
    if of == "report":
        from engagekit.report.json_schema import schema_json as report_schema_json

        write_output(report_schema_json(), output)
        return
    from engagekit.definition.jsonschema import schema_json

    write_output(schema_json(), output)
