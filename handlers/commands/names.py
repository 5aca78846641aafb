"""Every `/plc` subcommand, in the order `/plc help` lists them."""

SUBCOMMANDS = (
    "help", "setup", "schedule", "skip", "next", "calendar", "agenda", "parking", "roles", "minutes",
    "upload", "data", "plan", "worked", "commit", "commitments", "reflect", "goal", "settings", "coach", "portfolio",
)
