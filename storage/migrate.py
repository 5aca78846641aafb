"""Apply the Alembic migrations shipped inside the package."""

from __future__ import annotations

from collections.abc import Sequence

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "storage:migrations")
    return config


def upgrade(engine: Engine, revision: str = "head", encryption_keys: Sequence[str] = ()) -> None:
    """Bring the database of `engine` up to `revision` (default: the newest).

    With `encryption_keys` (PLC_ENCRYPTION_KEY), Slack secrets stored as plain text are encrypted:
    by revision 0006 the first time, and afterwards whatever an upgrade without a key left plain.
    """
    config = alembic_config()
    config.attributes["encryption_keys"] = tuple(encryption_keys)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if encryption_keys and revision == "head":
            from storage.crypto import Keyring, reseal_stored_secrets

            reseal_stored_secrets(connection, Keyring(encryption_keys), rotate=False)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
