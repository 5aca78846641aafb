"""Reflections: a member's private professional-learning log, some of it shared with the team."""

from bot.reflections.service import ReflectionEntry, ReflectionService, SharedDigest, prompts_for

__all__ = ["ReflectionEntry", "ReflectionService", "SharedDigest", "prompts_for"]
