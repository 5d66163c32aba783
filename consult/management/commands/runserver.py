"""Django's development server, which also runs the periodic tasks when there is no broker (see
consult/scheduler.py for why here and nowhere else).

It takes the place of whitenoise's wrapper, whose only change was never to serve static files
itself: Django's own server here doesn't either, and WhiteNoise's middleware serves them.
"""

from typing import Any

from django.core.management.commands.runserver import Command as RunserverCommand

from consult import scheduler


class Command(RunserverCommand):
    def inner_run(self, *args: Any, **options: Any) -> None:
        # The process that serves (the autoreloader's child): the thread restarts with the code.
        scheduler.start_embedded()
        super().inner_run(*args, **options)
