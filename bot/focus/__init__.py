"""Focus keeper: tells student-learning talk (and its critical question) from drift and ordinary talk.

The classifier lives in `bot.focus.classifier`; it is not imported with the package, so that commands
which only list `plc-bot focus` among the others (every `plc-bot` run) do not load it.
"""
