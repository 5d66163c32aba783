import os

from django.core.asgi import get_asgi_application

from config.checks import stop_on_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()
# A malformed setting stops the web tier as it starts, naming the variable, not at a request.
stop_on_errors()
