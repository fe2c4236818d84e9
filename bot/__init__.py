"""Piiri's process: configuration, the CLI, start-up and shut-down, transports, dispatcher."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("piiri")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
