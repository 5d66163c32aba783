"""Run the project's code in a fresh process, with the environment an operator would give it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A production site's variables: DEBUG off and everything it then requires.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-of-sufficient-length-and-randomness-0123456789",
    "ALLOWED_HOSTS": "consult.example.org",
    "SITE_URL": "https://consult.example.org",
    "EMAIL_URL": "smtp://mail.example.org:587",
    "OPERATOR_NAME": "Example Trust",
    "OPERATOR_EMAIL": "hello@consult.example.org",
}


def run_python(*args: str, **environment: str) -> subprocess.CompletedProcess:
    """Python in the checkout with these variables only (and PATH, HOME, LANG): none of the tests'."""
    keep = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**keep, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    return run_python("manage.py", *args, **environment)


def served_paths(paths: list[str], **environment: str) -> list[str]:
    """Which of these paths the site has a view for (it answers 404 to the others)."""
    code = (
        "from django.urls import Resolver404, resolve\n"
        f"for path in {paths!r}:\n"
        "    try:\n"
        "        print(resolve(path).route)\n"
        "    except Resolver404:\n"
        "        pass\n"
    )
    result = run_manage("shell", "--no-imports", "-c", code, **environment)
    assert result.returncode == 0, result.stderr
    return ["/" + route for route in result.stdout.split()]
