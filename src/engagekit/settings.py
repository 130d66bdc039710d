"""Settings: environment variables ``ENGAGEKIT_*`` and an optional TOML config file.

Nothing needs setting: by default records go to a SQLite file in the user's data directory
(``~/.local/share/engagekit/engagekit.db`` on Linux). ``ENGAGEKIT_DATABASE_URL`` points at
another file or a PostgreSQL server (``postgresql+psycopg://user@host/db``). The config file is
``ENGAGEKIT_CONFIG`` if set, else ``config.toml`` in the user's config directory; environment
variables win over it. The web service also reads ``ENGAGEKIT_PUBLIC_BASE_URL`` and
``ENGAGEKIT_SECRET_KEY`` (never printed: it is kept as a secret), and for single sign-on
``ENGAGEKIT_OIDC_DISCOVERY_URL``, ``ENGAGEKIT_OIDC_CLIENT_ID``, ``ENGAGEKIT_OIDC_CLIENT_SECRET``,
``ENGAGEKIT_OIDC_EMAIL_CLAIM`` and ``ENGAGEKIT_OIDC_NAME``. Only commands that use
records import this module (pydantic is heavy).

Read them with :func:`load_settings`: a config file that is not TOML, or a setting that is not
what it should be, is a :class:`SettingsProblem` whose one-line message names the file and
line, or the variable, and says what is wrong.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

APP = "engagekit"
PREFIX = "ENGAGEKIT_"


class SettingsProblem(ValueError):
    """A setting that cannot be used: the message names where it came from and what is wrong."""


def config_file() -> Path:
    """Where the optional config file is read from."""
    given = os.environ.get("ENGAGEKIT_CONFIG")
    return Path(given).expanduser() if given else Path(platformdirs.user_config_dir(APP)) / "config.toml"


class Settings(BaseSettings):
    """engagekit's settings; see the module docstring for where each comes from."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore")

    database_url: str | None = Field(default=None, description="SQLAlchemy URL of the records store.")
    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir(APP)),
        description="Folder for the default SQLite store.",
    )
    recorded_by: str | None = Field(default=None, description="Who records, when --by is not given.")
    busy_timeout_ms: int = Field(default=30_000, ge=0, description="How long SQLite waits for another writer.")
    public_base_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description="Where the web service is reached from outside (https://engage.example.gov.uk); "
        "https turns on HSTS.",
    )
    secret_key: SecretStr | None = Field(
        default=None, description="The web service's signing key (ENGAGEKIT_SECRET_KEY), for sign-in sessions."
    )
    oidc_discovery_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description="OpenID Connect: the provider's discovery document "
        "(https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration for Entra ID).",
    )
    oidc_client_id: str | None = Field(default=None, description="OpenID Connect: this service's client id.")
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="OpenID Connect: this service's client secret (kept as a secret)."
    )
    oidc_email_claim: str = Field(
        default="email",
        min_length=1,
        description="OpenID Connect: the ID token's claim holding the person's email (Entra ID: email or "
        "preferred_username).",
    )
    oidc_name: str = Field(
        default="your council account", min_length=1, description="OpenID Connect: the provider's name on the button."
    )

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


def load_settings() -> Settings:
    """The settings, or a :class:`SettingsProblem` saying in one line which one is wrong and where."""
    import tomllib

    try:
        return Settings()
    except tomllib.TOMLDecodeError as error:
        raise SettingsProblem(f"{config_file()}: not valid TOML: {error}; correct the file") from None
    except UnicodeDecodeError:
        raise SettingsProblem(f"{config_file()}: not UTF-8 text, so not a TOML config file; save it as UTF-8") from None
    except OSError as error:
        raise SettingsProblem(f"{config_file()}: cannot be read ({error.strerror or error})") from None
    except ValidationError as error:
        raise SettingsProblem(_invalid(error)) from None


def _invalid(error: ValidationError) -> str:
    """The first bad setting (and how many more), naming its variable or the config file's key."""
    problems = error.errors()
    first = problems[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    variable = PREFIX + field.upper()
    given = repr(first.get("input"))
    given = given if len(given) <= 60 else given[:57] + "..."
    what = _what(first)
    if any(name.upper() == variable for name in os.environ):
        where = f"{variable}={given}"
    else:
        where = f"{config_file()}: {field} = {given}"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{where}: {what}{more}"


def _what(problem: ErrorDetails) -> str:
    """What pydantic found wrong, said for a person."""
    kind = problem.get("type", "")
    limits = problem.get("ctx") or {}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "is not a whole number"
    if kind == "greater_than_equal":
        return f"must be at least {limits.get('ge')}"
    if kind in ("string_type", "path_type"):
        return "must be text"
    if kind == "string_pattern_mismatch":
        return "must be an http:// or https:// address with no query or fragment"
    return str(problem.get("msg", "is not valid")).lower()
