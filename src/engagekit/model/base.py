"""The model's base class: :class:`engagekit.values.Model`, imported here, where the model's classes find it."""

from engagekit.values import Model, fields_repr

__all__ = ["Model", "fields_repr"]
