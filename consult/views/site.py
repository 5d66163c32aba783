"""The pages about the site itself: who runs it, how to reach them, accessibility, cookies, feedback."""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from consult import languages
from consult.forms.feedback import FeedbackForm, local_path
from consult.views.limits import TOO_MANY, over_limit, with_retry_after

# When the accessibility statement was written and last checked against the site.
ACCESSIBILITY_PREPARED = datetime.date(2026, 12, 1)
ACCESSIBILITY_REVIEWED = datetime.date(2026, 12, 1)


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "consult/site/about.html")


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "consult/site/contact.html")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    context = {"prepared": ACCESSIBILITY_PREPARED, "reviewed": ACCESSIBILITY_REVIEWED}
    return render(request, "consult/site/accessibility.html", context)


DAY = 24 * 60 * 60


@require_safe
def cookies(request: HttpRequest) -> HttpResponse:
    """The cookies the site can set, named and timed as the settings that set them say."""
    context = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session_days": settings.SESSION_COOKIE_AGE // DAY,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_days": settings.CSRF_COOKIE_AGE // DAY,
        "messages_cookie": "messages",
    }
    return render(request, "consult/site/cookies.html", context)


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if over_limit(request, "feedback", "FEEDBACK_RATE_LIMIT"):
            form.is_valid()  # Keeps what they typed on the page.
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            form.instance.language = languages.current()
            form.save()
            return redirect("feedback_sent")
        else:
            status = 400
    else:
        form = FeedbackForm(initial={"page": local_path(request.GET.get("from", ""))})
    response = render(request, "consult/site/feedback.html", {"form": form}, status=status)
    return with_retry_after(response, "FEEDBACK_RATE_LIMIT") if status == 429 else response


@require_safe
def feedback_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "consult/site/feedback_sent.html")
