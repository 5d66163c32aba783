"""gunicorn's settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Its access log (turned on with `--access-logfile`) prints every request line, referrer and
redirect target, and links in emails carry tokens: a confirmation, manage or unsubscribe link in
a log is a working key to someone's signature. Every value the access and error logs print goes
through the redaction Django's own loggers use (config/log_filters.py), which also drops email
addresses here, since query strings and referrers can carry them.
"""

import re

from gunicorn.glogging import Logger

from config.log_filters import RedactTokens
from config.log_filters import redact as redact_tokens

# Also percent-encoded (%40), as it would appear in a query string.
EMAIL = re.compile(r"[^\s/?&=:;,\"'<>\[\]]+(?:@|%40)[^\s/?&=:;,\"'<>\[\]]+\.[a-z]{2,}", re.IGNORECASE)


def redact(text: str) -> str:
    return EMAIL.sub("[email]", redact_tokens(text))


class RedactSecrets(RedactTokens):
    """For the error log: "Error handling request /signatures/<token>/" and the like."""

    clean = staticmethod(redact)


class RedactingLogger(Logger):
    """gunicorn's logger, with tokens and email addresses taken out of everything it prints."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(each, RedactSecrets) for each in self.error_log.filters):
            self.error_log.addFilter(RedactSecrets())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact(value) if isinstance(value, str) else value for name, value in atoms.items()}


logger_class = RedactingLogger
