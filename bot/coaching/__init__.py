"""Coaches across teams: who supports which teams, and each team's products and progress (never people)."""
