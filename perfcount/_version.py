"""The package version; the native module is built with the same string."""

__version__ = "0.1.0"
