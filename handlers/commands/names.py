"""Every `/plc` subcommand, in the order `/plc help` lists them."""

SUBCOMMANDS = (
    "help", "setup", "schedule", "agenda", "upload", "data", "commit", "reflect", "parking", "goal", "settings",
)
