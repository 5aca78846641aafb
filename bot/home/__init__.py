"""A person's App Home: what it shows, as plain data (rendered by handlers/render/home.py)."""

from bot.home.service import HomeData, HomeService

__all__ = ["HomeData", "HomeService"]
