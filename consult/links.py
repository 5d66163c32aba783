"""The site's full addresses, for anywhere a path alone is not enough: emails, embeds on other
sites, the API and the open data. All of them start from SITE_URL, never from the request's Host,
which a client chooses."""

from django.conf import settings


def absolute(path: str) -> str:
    """'/statements/x/' -> 'https://consult.example.org/statements/x/'."""
    return f"{settings.SITE_URL}{path}"
