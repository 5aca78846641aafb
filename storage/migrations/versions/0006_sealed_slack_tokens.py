"""Slack tokens at rest: widen the secret columns of slack-sdk's tables and encrypt their plain values.

A Fernet token is about twice as long as what it encrypts (a 150-character refresh token becomes
292 characters), so the secret columns become TEXT. Then every plain value (a Slack token starts
with `xox`, a Fernet token with `gAAAAA`) is encrypted with the first key of PLC_ENCRYPTION_KEY,
which `storage.migrate.upgrade` hands over in the Alembic config's attributes.

With no key and plain values present, the values are left exactly as they are and a warning is
logged: nothing is lost. OAuth does not start without a key, and the first `storage.migrate.upgrade`
with a key (every `plc-bot run`, `plc-bot db upgrade`, `plc-bot keys rotate`) encrypts them.

The column list and the encryption are written out here, not imported, so that this revision does
the same thing whatever the code around it becomes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import context, op
from cryptography.fernet import Fernet, MultiFernet

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SEALED_PREFIX = "gAAAAA"
SECRET_COLUMNS = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token",
                            "incoming_webhook_url"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}
OLD_LENGTH = 200

logger = logging.getLogger("plc_bot.migrations")


def _fernet() -> MultiFernet | None:
    keys = tuple(context.config.attributes.get("encryption_keys") or ())
    return MultiFernet([Fernet(key) for key in keys]) if keys else None


def _rows(table: sa.TableClause) -> list[sa.RowMapping]:
    return list(op.get_bind().execute(sa.select(table).order_by(table.c.id)).mappings())


def _table(name: str) -> sa.TableClause:
    return sa.table(name, sa.column("id"), *(sa.column(column) for column in SECRET_COLUMNS[name]))


def upgrade() -> None:
    for name, columns in SECRET_COLUMNS.items():
        with op.batch_alter_table(name) as batch:
            for column in columns:
                batch.alter_column(column, type_=sa.Text(), existing_type=sa.String(OLD_LENGTH),
                                   existing_nullable=True)

    fernet = _fernet()
    plain = 0
    for name, columns in SECRET_COLUMNS.items():
        table = _table(name)
        for row in _rows(table):
            changes = {}
            for column in columns:
                value = row[column]
                if value is None or value.startswith(SEALED_PREFIX):
                    continue
                plain += 1
                if fernet is not None:
                    changes[column] = fernet.encrypt(value.encode("utf-8")).decode("ascii")
            if changes:
                op.get_bind().execute(sa.update(table).where(table.c.id == row["id"]).values(**changes))
    if plain and fernet is None:
        logger.warning("%d Slack secrets in slack_installations and slack_bots stay plain text: PLC_ENCRYPTION_KEY "
                       "is not set. The next start or `plc-bot db upgrade` with a key encrypts them.", plain)


def downgrade() -> None:
    fernet = _fernet()
    for name, columns in SECRET_COLUMNS.items():
        table = _table(name)
        for row in _rows(table):
            changes = {}
            for column in columns:
                value = row[column]
                if value is None or not value.startswith(SEALED_PREFIX):
                    continue
                if fernet is None:
                    raise RuntimeError("the Slack secrets are encrypted: set PLC_ENCRYPTION_KEY to downgrade")
                changes[column] = fernet.decrypt(value.encode("ascii")).decode("utf-8")
            if changes:
                op.get_bind().execute(sa.update(table).where(table.c.id == row["id"]).values(**changes))
    for name, columns in SECRET_COLUMNS.items():
        with op.batch_alter_table(name) as batch:
            for column in columns:
                batch.alter_column(column, type_=sa.String(OLD_LENGTH), existing_type=sa.Text(),
                                   existing_nullable=True)
