"""The staff dashboard (`/staff`): sign-in, groups, invites, the review queue with live alerts,
the audit trail and staff accounts, on the web server of `bot.web`."""

from bot.dashboard.accounts import bootstrap_admin
from bot.dashboard.routes import install

__all__ = ["bootstrap_admin", "install"]
