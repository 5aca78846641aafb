"""Commitments: `/plc commit` parsing, recording, reminders on the due date, review at the next meeting."""

from bot.commitments.parser import CommitmentParseError, ParsedCommitment, parse_commitment
from bot.commitments.service import CommitmentError, CommitmentService, CommitmentView

__all__ = ["CommitmentError", "CommitmentParseError", "CommitmentService", "CommitmentView", "ParsedCommitment",
           "parse_commitment"]
