"""An SMTP server on loopback that accepts every message and appends one JSON line per message.

Each line holds the recipients, the subject, the links in the plain-text part and the time, so
the driver can follow a confirmation link and the fan-out scenario can count messages per second.
Run: python -m bench.smtp_sink --port 2525 --out var/bench/mail.jsonl
"""

import argparse
import email
import email.policy
import json
import re
import signal
import threading
import time

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"']+")


class JsonLinesSink:
    def __init__(self, path: str) -> None:
        self.output = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (kept open)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else ""
        line = {
            "to": [address.lower() for address in envelope.rcpt_tos],
            "subject": str(message.get("Subject", "")),
            "links": LINK.findall(text),
            "time": time.time(),
        }
        with self.lock:
            self.output.write(json.dumps(line) + "\n")
        return "250 Message accepted"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args()
    controller = Controller(JsonLinesSink(arguments.out), hostname="127.0.0.1", port=arguments.port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()
