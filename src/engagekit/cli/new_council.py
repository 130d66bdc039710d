"""``engagekit new-council``: start a plugin package for a new council from templates.

The templates live in :mod:`engagekit.scaffold` as plain files with ``{{ name }}``
placeholders, filled by plain replacement (no template language to learn or escape).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib.resources import files
from pathlib import Path

import click

from engagekit.cli.app import UsageProblem, today
from engagekit.model import gss
from engagekit.model.council import CouncilType

SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
PLACEHOLDER = re.compile(r"\{\{ *([a-z_]+) *\}\}")

TEMPLATES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "package_init.py.tmpl": "src/{package}/__init__.py",
    "council.yaml.tmpl": "src/{package}/{slug}.yaml",
    "test_council.py.tmpl": "tests/test_{package_short}.py",
}
"""Each template and where it goes in the new package."""

REFERENCE_URL = "https://github.com/engagekit/engagekit/blob/main/docs/definition-reference.md"
"""Where the new package's README and definition send authors for the keys a definition may hold.

A link rather than a path, since the package lives outside engagekit's repository.
"""


def slugify(name: str) -> str:
    """A council id from its name: ``"Castle Point"`` → ``castle-point``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def scaffold_values(name: str, slug: str, gss_code: str | None, as_of: dt.date) -> dict[str, str]:
    """What each placeholder becomes."""
    package = f"engagekit_{slug.replace('-', '_')}"
    gss_suffix = f" ({gss_code})" if gss_code else ""
    # A JSON string is a valid YAML, TOML and Python string literal, whatever the name holds.
    quoted = json.dumps(name, ensure_ascii=False)
    return {
        "name": name,
        "name_yaml": quoted,
        "name_py": quoted,
        "name_comment": re.sub(r'[\s"\\]+', " ", name).strip(),
        "slug": slug,
        "package": package,
        "package_short": slug.replace("-", "_"),
        "gss_suffix": gss_suffix,
        "gss_line": f"gss_code: {gss_code}" if gss_code else "# gss_code: E07000000   # the ONS code, if known",
        "type_line": _type_line(gss_code),
        "description_toml": json.dumps(
            f"engagekit plugin: {name}{gss_suffix}, its commitments, action plan and reporting rules.",
            ensure_ascii=False,
        ),
        "document_id": f"{slug}-engagement-strategy-document",
        "review_date": f"{as_of.year + 1}-03",
        "reference_url": REFERENCE_URL,
    }


def _type_line(gss_code: str | None) -> str:
    """The commented ``council_type`` line, suggesting the type a given GSS code belongs to.

    It stays a comment: the author confirms the type from the council's own documents.
    """
    choices = ", ".join(kind.value for kind in CouncilType)
    kind = gss.council_type_of(gss_code) if gss_code else None
    if gss_code is None or kind is None:
        return f"# council_type: district   # one of: {choices}"
    return f"# council_type: {kind.value}   # as its code {gss_code} says ({gss.entity(gss_code)}); one of: {choices}"


def fill(template: str, values: dict[str, str]) -> str:
    """Replace every ``{{ key }}``; an unknown key is a bug in the templates, so it raises."""

    def replace(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return PLACEHOLDER.sub(replace, template)


def write_package(
    name: str, *, slug: str | None = None, gss_code: str | None = None, parent: Path, as_of: dt.date
) -> Path:
    """Write ``engagekit-<slug>/`` under ``parent`` and return its path.

    Raises :class:`FileExistsError` if the folder exists and :class:`ValueError` for a bad
    name, id or GSS code.
    """
    name = name.strip()
    if not name:
        raise ValueError("the council's name is empty")
    slug = slug or slugify(name)
    if not SLUG.match(slug):
        raise ValueError(
            f"{slug!r} cannot be a council id: use lowercase letters, digits and single hyphens, "
            "starting with a letter (give one with --id)"
        )
    if gss_code is not None:
        problem = gss.council_code_problem(gss_code, None)
        if problem:
            raise ValueError(problem)
    target = parent / f"engagekit-{slug}"
    if target.exists():
        raise FileExistsError(target)
    values = scaffold_values(name, slug, gss_code, as_of)
    templates = files("engagekit.scaffold")
    rendered = {
        target / where.format(**values): fill(templates.joinpath(template).read_text(encoding="utf-8"), values)
        for template, where in TEMPLATES.items()
    }
    for path, text in rendered.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target


@click.command("new-council")
@click.argument("name")
@click.option("--gss", "gss_code", metavar="CODE", help="The council's ONS GSS code (for example E06000034).")
@click.option(
    "--id",
    "slug",
    metavar="ID",
    help="The council's id, also used in the package's name (default: from NAME, 'Castle Point' → castle-point).",
)
@click.option(
    "--dir",
    "parent",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(),
    show_default="the current folder",
    metavar="PATH",
    help="Where to create the package folder.",
)
def new_council(name: str, gss_code: str | None, slug: str | None, parent: Path) -> None:
    """Start a plugin package for a new council: engagekit-<id>/.

    It holds a pyproject.toml registering the plugin, a README, the module that registers
    the council, a commented skeleton definition (<id>.yaml) that already validates with no
    warnings (validate --strict), and tests that use engagekit's testing kit. Fill in the
    definition from the council's own documents, keeping a source on every item; the keys it
    may hold are in the definition reference (docs/definition-reference.md). An existing
    folder is never overwritten.

    \b
    Examples:
      engagekit new-council "Castle Point" --gss E07000069
      engagekit new-council "Bath and North East Somerset" --id bathnes --dir plugins
      cd engagekit-castle-point && pip install -e . && engagekit report --council castle-point
    """
    try:
        target = write_package(name, slug=slug, gss_code=gss_code, parent=parent, as_of=today())
    except FileExistsError as error:
        raise UsageProblem(
            f"{error.args[0]} already exists; not overwriting it (choose another --dir or --id)"
        ) from None
    except ValueError as error:
        raise UsageProblem(str(error)) from None
    except OSError as error:
        raise UsageProblem(f"cannot write the package: {error}") from None
    values = scaffold_values(name, target.name.removeprefix("engagekit-"), gss_code, today())
    click.echo(f"Created {target}/ for {name}:")
    click.echo(f"  src/{values['package']}/{values['slug']}.yaml   the definition: fill it in from the documents")
    click.echo("\nNext:")
    click.echo(f"  cd {target}")
    click.echo("  pip install -e .")
    click.echo(f"  engagekit report --council {values['slug']}")
    click.echo("  python -m pytest")
