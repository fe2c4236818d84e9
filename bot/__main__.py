"""`python -m bot` is the `piiri` command."""

import sys

from bot.cli import main

sys.exit(main())
