"""Council definition files: YAML text → checked :class:`~engagekit.model.Council`.

YAML was chosen over TOML because a council's model is deep (programme → action plan →
pillars → outcomes → actions) and list-heavy: YAML writes that as an indented outline that
mirrors the documents' own tables, keeps comments, and gives a line for every value so each
problem can be reported with its line. TOML's arrays of tables become hard to read past two
levels of nesting. The reader is deliberately strict (see :mod:`.yaml_reader`).
"""

from engagekit.definition.loading import (
    DefinitionError,
    DefinitionProblem,
    load_definition,
    load_definition_bytes,
    load_definition_text,
    structure_council,
)

__all__ = [
    "DefinitionError",
    "DefinitionProblem",
    "load_definition",
    "load_definition_bytes",
    "load_definition_text",
    "structure_council",
]
