"""Errors that plaint reports to the researcher as a message, not a traceback."""


class PlaintError(Exception):
    """A problem the researcher can fix; its message says what to do."""


class ConfigError(PlaintError):
    """keywords.yaml, a setting or an environment variable is wrong."""


class CollectorUnavailable(PlaintError):
    """A platform cannot be reached on this run (no credentials, route closed)."""


class CollectorFailed(PlaintError):
    """A platform answered in a way plaint will not work around (error, block, login wall)."""
