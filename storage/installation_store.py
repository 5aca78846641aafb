"""slack-sdk's SQLAlchemy installation store with the tokens encrypted at rest."""

from __future__ import annotations

import logging

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine

from storage.crypto import SECRET_COLUMNS, Keyring, SealedText

logger = logging.getLogger("plc_bot.installations")


class SealedInstallationStore(SQLAlchemyInstallationStore):
    """The same tables, queries and behaviour as slack-sdk's store, but the secret columns
    (`storage.crypto.SECRET_COLUMNS`) are sealed with `keyring` when written and opened when read.

    The store's own table objects get a column type that encrypts bound values and decrypts
    results, so every statement slack-sdk builds (save, save_bot, find_bot, find_installation and
    whatever later versions add) goes through it without copying any of the store's logic.
    """

    def __init__(self, client_id: str, engine: Engine, keyring: Keyring) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=logger)
        sealed = SealedText(keyring)
        for table in (self.installations, self.bots):
            for name in SECRET_COLUMNS[table.name]:
                table.c[name].type = sealed
