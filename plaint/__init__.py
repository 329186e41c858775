"""plaint: find public complaints about bias in AI companion apps, for research."""

__version__ = "0.1.0"
