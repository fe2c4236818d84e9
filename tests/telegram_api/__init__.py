"""A local Telegram Bot API stand-in: the real python-telegram-bot talks to it over HTTP."""
