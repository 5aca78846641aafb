"""`plc-bot keys new` prints a fresh key; `plc-bot keys rotate` re-encrypts the stored secrets with the first key."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.i18n import Catalog
from bot.settings import Problem, Settings, SettingsError

EXIT_FAILED = 1


def add_keys_parser(subparsers: Any, texts: Catalog) -> argparse.ArgumentParser:
    """Register `keys new` and `keys rotate` on the subparsers of `plc-bot`, with help texts from `texts`."""
    t = texts.t
    keys: argparse.ArgumentParser = subparsers.add_parser("keys", help=t("cli.keys"), description=t("cli.keys"))
    commands = keys.add_subparsers(dest="keys_command", required=True)
    commands.add_parser("new", help=t("cli.keys_new"), description=t("cli.keys_new"))
    commands.add_parser("rotate", help=t("cli.keys_rotate"), description=t("cli.keys_rotate"))
    return keys


def new_key() -> int:
    """Print a new random Fernet key (no settings, no database)."""
    from storage.crypto import new_key as fresh_key

    print(fresh_key())
    return 0


def rotate(texts: Catalog, settings: Settings) -> int:
    """Migrate, then re-encrypt every stored Slack secret with the first key, in one transaction."""
    from storage import migrate
    from storage.crypto import Keyring, UnreadableSecret, reseal_stored_secrets
    from storage.db import Database

    if not settings.encryption_keys:
        raise SettingsError([Problem("settings.not_set", "PLC_ENCRYPTION_KEY")], settings.default_language)
    db = Database(settings.database_url)
    try:
        migrate.upgrade(db.engine, encryption_keys=settings.encryption_keys)
        with db.engine.begin() as connection:
            written = reseal_stored_secrets(connection, Keyring(settings.encryption_keys), rotate=True)
    except UnreadableSecret as error:
        print(texts.t("cli.keys_unreadable", table=error.table, column=error.column, row=error.row_id),
              file=sys.stderr)
        return EXIT_FAILED
    finally:
        db.dispose()
    print(texts.t("cli.keys_rotated", count=written))
    return 0
