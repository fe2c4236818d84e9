"""The web server inside the service: the member chat (`bot/web/member.py`) and the staff
dashboard (`bot/dashboard/`), on one aiohttp application in Piiri's own event loop."""
