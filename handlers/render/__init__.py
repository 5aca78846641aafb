"""Block Kit rendering (slack_sdk.models) from prompts/ texts; no business rules here."""
