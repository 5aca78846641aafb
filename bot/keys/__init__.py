"""Encryption keys of the Slack tokens kept in the database (PLC_ENCRYPTION_KEY): `plc-bot keys`."""
