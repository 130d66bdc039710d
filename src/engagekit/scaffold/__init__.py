"""Templates for ``engagekit new-council``: plain files with ``{{ name }}`` placeholders.

The files end in ``.tmpl`` so no tool mistakes them for the project's own code; the command
fills the placeholders by plain replacement and checks that none is left.
"""
