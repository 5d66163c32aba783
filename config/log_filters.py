"""Keep secrets out of the logs: links in signers' and account holders' emails carry tokens.

Django logs the path of every 4xx and 5xx response (and of CSRF failures); a path such as
/signatures/<token>/ would put a working manage link into the logs. The filter is attached to
those loggers themselves (see LOGGING), so every handler, ours or a test's, sees the redacted text.
"""

import logging
import re

TOKEN_IN_PATH = re.compile(
    r"(/(?:signatures(?:/confirm)?|unsubscribe|accounts/confirm-email|accounts/password/reset/key)/)"
    r"(?!confirm/|resend/)[^/\s?#\"']+"
)


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[token]", text)


class RedactTokens(logging.Filter):
    # What each message and argument goes through; a subclass may take out more.
    clean = staticmethod(redact)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self.clean(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(self.clean(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True
