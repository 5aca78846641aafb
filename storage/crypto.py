"""Slack secrets at rest: Fernet keys from PLC_ENCRYPTION_KEY, a column type that seals, re-sealing.

`PLC_ENCRYPTION_KEY` is a comma-separated list of Fernet keys: the first one encrypts, every one
decrypts (cryptography's MultiFernet), so a new key can be put in front of the old one and the
stored secrets re-encrypted later (`plc-bot keys rotate`). A sealed value is a Fernet token, which
always starts with `gAAAAA` (version byte 0x80 and the high bytes of a timestamp); anything else in
a secret column is plain text (Slack tokens start with `xox`, webhook URLs with `https://`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.engine import Connection
from sqlalchemy.types import Text, TypeDecorator

SEALED_PREFIX = "gAAAAA"

# The secret columns of slack-sdk's installation store tables. `incoming_webhook_url` is a capability
# URL (whoever has it can post to the channel), so it is sealed too; its configuration URL is not.
SECRET_COLUMNS: dict[str, tuple[str, ...]] = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token",
                            "incoming_webhook_url"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


class UnreadableSecret(Exception):
    """A stored secret that no key of PLC_ENCRYPTION_KEY decrypts (never carries the value)."""

    def __init__(self, table: str = "", column: str = "", row_id: object = None) -> None:
        where = f"{table}.{column} row {row_id}" if table else "a stored secret"
        super().__init__(f"{where} cannot be decrypted with any key in PLC_ENCRYPTION_KEY")
        self.table, self.column, self.row_id = table, column, row_id


def parse_keys(setting: str | None) -> tuple[str, ...]:
    """The keys of a PLC_ENCRYPTION_KEY value, in order; blanks between commas are ignored."""
    return tuple(part.strip() for part in (setting or "").split(",") if part.strip())


def invalid_key_positions(keys: Sequence[str]) -> list[int]:
    """The 1-based positions of the keys that are not Fernet keys (32 url-safe base64-encoded bytes)."""
    bad = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            bad.append(position)
    return bad


def new_key() -> str:
    """A fresh random Fernet key."""
    return Fernet.generate_key().decode("ascii")


def is_sealed(value: str) -> bool:
    return value.startswith(SEALED_PREFIX)


class Keyring:
    """The keys of PLC_ENCRYPTION_KEY: `seal` with the first, `open` with any, `reseal` with the first."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    @classmethod
    def from_setting(cls, setting: str) -> Keyring:
        return cls(parse_keys(setting))

    def seal(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def open(self, value: str) -> str:
        try:
            return self._fernet.decrypt(value.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            raise UnreadableSecret() from None

    def reseal(self, value: str) -> str:
        """`value` encrypted with the first key: plain text is sealed, a sealed value re-encrypted."""
        if not is_sealed(value):
            return self.seal(value)
        try:
            return self._fernet.rotate(value.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError):
            raise UnreadableSecret() from None


class SealedText(TypeDecorator[str]):
    """A text column whose values are encrypted on the way in and decrypted on the way out."""

    impl = Text
    cache_ok = True  # the cache key holds the keyring object itself

    def __init__(self, keyring: Keyring) -> None:
        super().__init__()
        self.keyring = keyring

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else self.keyring.seal(str(value))

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else self.keyring.open(value)


def _secret_table(name: str) -> sa.TableClause:
    return sa.table(name, sa.column("id"), *(sa.column(column) for column in SECRET_COLUMNS[name]))


def reseal_stored_secrets(connection: Connection, keyring: Keyring, *, rotate: bool) -> int:
    """Encrypt every plain secret in Slack's installation tables with the first key; with `rotate`,
    re-encrypt the sealed ones with it too. Returns how many values were written.

    Raises UnreadableSecret (naming table, column and row, never the value) when `rotate` meets a
    sealed value that no key decrypts; the caller's transaction then writes nothing.
    """
    written = 0
    for name, columns in SECRET_COLUMNS.items():
        table = _secret_table(name)
        query = sa.select(table)
        if not rotate:
            query = query.where(sa.or_(*(sa.not_(table.c[column].startswith(SEALED_PREFIX, autoescape=True))
                                         for column in columns)))
        for row in connection.execute(query.order_by(table.c.id)).mappings().all():
            changes: dict[str, str] = {}
            for column in columns:
                value = row[column]
                if value is None or (is_sealed(value) and not rotate):
                    continue
                try:
                    changes[column] = keyring.reseal(value)
                except UnreadableSecret:
                    raise UnreadableSecret(name, column, row["id"]) from None
            if changes:
                connection.execute(sa.update(table).where(table.c.id == row["id"]).values(**changes))
                written += len(changes)
    return written

