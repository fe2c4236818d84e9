"""The web chat as a transport: members in a browser, on the same port as Telegram and Matrix."""

from bot.transports.web.transport import WEB, WebTransport

__all__ = ["WEB", "WebTransport"]
