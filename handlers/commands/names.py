"""Every `/plc` subcommand, in the order `/plc help` lists them."""

SUBCOMMANDS = (
    "help", "setup", "schedule", "skip", "next", "calendar", "agenda", "parking", "roles", "minutes",
    "upload", "data", "commit", "commitments", "reflect", "goal", "settings",
)
