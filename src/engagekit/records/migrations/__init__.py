"""Alembic migrations for the records store; applied on first use and by ``engagekit db upgrade``."""
