"""Settings: environment variables ``ENGAGEKIT_*`` and an optional TOML config file.

Nothing needs setting: by default records go to a SQLite file in the user's data directory
(``~/.local/share/engagekit/engagekit.db`` on Linux). ``ENGAGEKIT_DATABASE_URL`` points at
another file or a PostgreSQL server (``postgresql+psycopg://user@host/db``). The config file is
``ENGAGEKIT_CONFIG`` if set, else ``config.toml`` in the user's config directory; environment
variables win over it. Only commands that use records import this module (pydantic is heavy).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

APP = "engagekit"


def config_file() -> Path:
    """Where the optional config file is read from."""
    given = os.environ.get("ENGAGEKIT_CONFIG")
    return Path(given).expanduser() if given else Path(platformdirs.user_config_dir(APP)) / "config.toml"


class Settings(BaseSettings):
    """engagekit's settings; see the module docstring for where each comes from."""

    model_config = SettingsConfigDict(env_prefix="ENGAGEKIT_", extra="ignore")

    database_url: str | None = Field(default=None, description="SQLAlchemy URL of the records store.")
    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir(APP)),
        description="Folder for the default SQLite store.",
    )
    recorded_by: str | None = Field(default=None, description="Who records, when --by is not given.")
    busy_timeout_ms: int = Field(default=30_000, ge=0, description="How long SQLite waits for another writer.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_file())

    def store_url(self) -> str:
        """The database URL to use: the one given, or the default SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'engagekit.db'}"

    def who(self) -> str:
        """Who is recording: the setting, else the login name."""
        if self.recorded_by:
            return self.recorded_by
        for variable in ("USER", "USERNAME", "LOGNAME"):
            if os.environ.get(variable):
                return os.environ[variable]
        return "unknown"
