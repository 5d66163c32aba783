"""gunicorn's settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Its access log (turned on with `--access-logfile`) prints every request line, referrer and
redirect target, and links in emails carry tokens: a confirmation, manage or unsubscribe link in
a log is a working key to someone's signature. Every value the access and error logs print goes
through the redaction Django's own loggers use (config/log_filters.py), which also drops email
addresses here, since query strings and referrers can carry them.
"""

import re
from collections.abc import MutableMapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from gunicorn.config import Config
from gunicorn.glogging import Logger
from gunicorn.http import Request
from gunicorn.http.wsgi import Response

from config.log_filters import RedactTokens
from config.log_filters import redact as redact_tokens

if TYPE_CHECKING:
    from gunicorn.glogging import _AtomsDict

# Also percent-encoded (%40), as it would appear in a query string.
EMAIL = re.compile(r"[^\s/?&=:;,\"'<>\[\]]+(?:@|%40)[^\s/?&=:;,\"'<>\[\]]+\.[a-z]{2,}", re.IGNORECASE)


def redact(text: str) -> str:
    return EMAIL.sub("[email]", redact_tokens(text))


class RedactSecrets(RedactTokens):
    """For the error log: "Error handling request /signatures/<token>/" and the like."""

    clean = staticmethod(redact)


class RedactingLogger(Logger):
    """gunicorn's logger, with tokens and email addresses taken out of everything it prints."""

    def setup(self, cfg: Config) -> None:
        super().setup(cfg)
        if not any(isinstance(each, RedactSecrets) for each in self.error_log.filters):
            self.error_log.addFilter(RedactSecrets())

    def atoms(
        self, resp: Response, req: Request, environ: MutableMapping[str, Any], request_time: timedelta
    ) -> "_AtomsDict":
        atoms = super().atoms(resp, req, environ, request_time)
        redacted = {name: redact(value) if isinstance(value, str) else value for name, value in atoms.items()}
        return cast("_AtomsDict", redacted)


logger_class = RedactingLogger
