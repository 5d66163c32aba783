"""English and Welsh: the catalogue, the /cy/ pages and their switcher, Welsh content beside the
English, and emails in the signer's language."""

import gettext
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import resolve, reverse, translate_url
from django.utils import translation

from consult import languages, milestones, updates
from consult.management.commands.update_translations import ALLAUTH_CATALOGUE, IGNORED, allauth_template
from consult.models import Argument, Signature, Update
from consult.moderation import decide_argument
from tests.consult.signers import link_to, post_sign
from tests.factories import ArgumentFactory, SignatureFactory
from tests.services import require

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES"
CATALOGUES = [CATALOGUE / "django.po", ALLAUTH_CATALOGUE]
SKIP_LINK_CY = "Neidio i'r prif gynnwys"


def gettext_tool(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"GNU gettext's {name} is not installed (Debian: apt install gettext)")
    return path


def welsh(path: str) -> str:
    """The Welsh address of an English page. Tests build their addresses before requesting a Welsh
    page: the request leaves Welsh active in the test's thread, and reverse() would follow it."""
    return f"/cy{path}"


# The catalogue.


def test_every_string_in_the_code_is_translated_into_welsh(tmp_path, settings, monkeypatch):
    """A fresh extraction from a copy of the code, compared with the catalogue: nothing missing,
    untranslated or fuzzy (msgcmp ignores untranslated and fuzzy entries of the catalogue)."""
    msgcmp = gettext_tool("msgcmp")
    gettext_tool("xgettext")
    source = tmp_path / "source"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(".*", "locale", "__pycache__", "*.sqlite3", *IGNORED),
    )
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["cy"], ignore_patterns=IGNORED, verbosity=0)
    fresh = source / "locale" / "cy" / "LC_MESSAGES" / "django.po"
    assert fresh.read_text().count("msgid ") > 500  # The extraction really ran over the code.
    result = subprocess.run(
        [msgcmp, str(CATALOGUE / "django.po"), str(fresh)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_string_of_the_allauth_pages_we_use_is_translated_into_welsh(tmp_path):
    msgcmp = gettext_tool("msgcmp")
    gettext_tool("msggrep")
    template = tmp_path / "allauth.pot"
    template.write_text(allauth_template())
    assert template.read_text().count("msgid ") > 200  # The login, sign-up and account pages' strings.
    result = subprocess.run([msgcmp, str(ALLAUTH_CATALOGUE), str(template)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_the_catalogues_have_no_fuzzy_or_empty_entry(catalogue):
    msgattrib = gettext_tool("msgattrib")
    for selection in ["--only-fuzzy", "--untranslated"]:
        result = subprocess.run(
            [msgattrib, selection, "--no-obsolete", str(catalogue)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "msgid" not in result.stdout, result.stdout


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_the_compiled_catalogues_are_compiled_from_the_current_po(tmp_path, catalogue):
    msgfmt = gettext_tool("msgfmt")
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(compiled), str(catalogue)], check=True)
    with compiled.open("rb") as fresh, catalogue.with_suffix(".mo").open("rb") as committed:
        assert gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog


@pytest.mark.parametrize(
    ("code", "language"),
    [("cy", "cy"), ("en-gb", "en"), ("en", "en"), ("xx", "en"), ("", "en"), (None, "en")],
)
def test_any_language_code_means_english_or_welsh(code, language):
    assert languages.supported(code) == language


def test_welsh_plurals_use_each_form():
    with translation.override("cy"):
        for count in [1, 2, 3, 8, 1000]:
            text = translation.ngettext("%(count)s signature", "%(count)s signatures", count)
            assert text % {"count": count} == f"{count} llofnod"


# Pages in Welsh and the switcher.


def test_welsh_pages_are_in_welsh_and_say_so(client, statement):
    path = statement.get_absolute_url()
    response = client.get(welsh(path))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="cy">' in body
    assert SKIP_LINK_CY in body
    english = client.get(path).content.decode()
    assert '<html lang="en-gb">' in english
    assert "Skip to main content" in english


def test_the_account_pages_are_in_welsh_too(client, db):
    path = welsh(reverse("account_login"))
    body = client.get(path).content.decode()
    assert "<h1>Mewngofnodi</h1>" in body and "Rydw i wedi anghofio fy nghyfrinair" in body
    assert "Log in" not in body.split("<main", 1)[1]
    wrong = client.post(path, {"login": "nobody@example.org", "password": "wrong"}).content.decode()
    # allauth's own message, from our catalogue of its strings.
    assert "Nid yw&#x27;r cyfeiriad e-bost a/neu&#x27;r cyfrinair a roesoch yn gywir." in wrong
    assert "<title>Gwall: Mewngofnodi" in wrong


def test_the_switcher_links_to_the_same_page_in_the_other_language(client, statement):
    path = statement.get_absolute_url()
    english = client.get(path + "?page=2").content.decode()
    assert f'<a href="/cy{path}?page=2" hreflang="cy" lang="cy">Cymraeg</a>' in english
    assert f'<link rel="alternate" hreflang="cy" href="{settings.SITE_URL}/cy{path}?page=2">' in english
    assert f'<link rel="alternate" hreflang="en" href="{settings.SITE_URL}{path}?page=2">' in english
    cymraeg = client.get(welsh(path)).content.decode()
    assert f'<a href="{path}" hreflang="en" lang="en">English</a>' in cymraeg
    assert 'lang="cy">Cymraeg</a>' not in cymraeg  # Only the other language is offered.


def test_the_remembered_switcher_keeps_each_requests_own_query(client, statement):
    """Each process remembers a path's addresses in each language; the query is each request's own."""
    path = statement.get_absolute_url()
    client.get(path)
    assert f'<a href="/cy{path}" hreflang="cy"' in client.get(path).content.decode()
    again = client.get(path + "?page=3&x=%3Cb%3E").content.decode()
    assert f'<a href="/cy{path}?page=3&amp;x=%3Cb%3E" hreflang="cy" lang="cy">Cymraeg</a>' in again
    assert f'<a href="/cy{path}" hreflang="cy"' in client.get(path).content.decode()


def test_the_switcher_of_a_confirmation_link_uses_the_requests_own_match(
    client, statement, django_capture_on_commit_callbacks, monkeypatch
):
    """Each confirmation link is a new address: resolving it again per language would cost more
    than the rest of the switcher, so the match the request made is reversed in each language."""
    post_sign(client, statement, django_capture_on_commit_callbacks, email="jo@example.org")
    path = link_to("/signatures/confirm/")

    def never(*args, **kwargs):
        raise AssertionError("the address was resolved again")

    monkeypatch.setattr(languages, "translate_url", never)
    english = client.get(path).content.decode()
    assert f'<a href="/cy{path}" hreflang="cy" lang="cy">Cymraeg</a>' in english
    assert f'<a href="{path}" hreflang="en" lang="en">English</a>' in client.get(welsh(path)).content.decode()


@pytest.mark.parametrize(
    "name", ["home", "statement_detail", "account_login", "api_docs", "signature_confirm"]
)
def test_each_address_in_each_language_is_what_translate_url_gives(client, statement, name):
    args = {"statement_detail": [statement.slug], "signature_confirm": ["a-token"]}.get(name, [])
    here = reverse(name, args=args)
    for code, _name in settings.LANGUAGES:
        language = languages.activation_code(code)
        assert languages.address_in(here, language, resolve(here)) == translate_url(here, language)


def test_a_page_in_one_language_has_no_switcher(client, db):
    body = client.get(reverse("api_docs")).content.decode()
    assert "hreflang" not in body
    assert client.get("/cy/api/").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/api/v1/statements/", "/embed.js", "/oembed", "/admin/", "/open-data/v1/statements/x/counts.json"],
)
def test_public_contracts_keep_one_unprefixed_address(client, path):
    assert client.get(welsh(path)).status_code == 404
    with translation.override("cy"):
        assert not reverse("api_statement_list").startswith("/cy/")
        assert not reverse("embed_widget", args=["x"]).startswith("/cy/")


def test_a_welsh_statement_page_is_discoverable_by_oembed(client, statement):
    page = f"{settings.SITE_URL}/cy{statement.get_absolute_url()}"
    body = client.get(welsh(statement.get_absolute_url())).content.decode()
    assert 'type="application/json+oembed"' in body
    response = client.get(reverse("oembed"), {"url": page, "format": "json"})
    assert response.status_code == 200
    assert response.json()["title"] == statement.title


def test_welsh_reading_pages_set_no_cookie(client, statement):
    argument = ArgumentFactory(consultation=statement.consultation)
    for path in [
        reverse("home"),
        statement.consultation.get_absolute_url(),
        argument.get_absolute_url(),
        reverse("privacy"),
        reverse("open_data"),
    ]:
        response = client.get(welsh(path))
        assert response.status_code == 200, path
        assert not response.cookies, path


def test_existing_english_addresses_keep_working(client, statement):
    for path in [reverse("home"), statement.get_absolute_url(), reverse("account_login")]:
        assert client.get(path).status_code == 200
        assert client.get(welsh(path)).status_code == 200


# Welsh content beside English.


def test_welsh_content_is_shown_and_missing_welsh_falls_back_to_english_marked(client, statement):
    statement.title_cy = "Oedi adnabod wynebau byw"
    statement.save()
    path, consultation_path = statement.get_absolute_url(), statement.consultation.get_absolute_url()
    body = client.get(welsh(path)).content.decode()
    assert "<h1>Oedi adnabod wynebau byw</h1>" in body
    assert '<div class="prose" lang="en"><p>We ask for a pause.</p></div>' in body
    consultation_page = client.get(welsh(consultation_path)).content.decode()
    assert f'<h1 lang="en">{statement.consultation.title}</h1>' in consultation_page
    english = client.get(path).content.decode()
    assert f"<h1>{statement.title}</h1>" in english
    assert "Oedi adnabod" not in english
    assert 'lang="en"' not in english.split("<main", 1)[1]


def test_a_welsh_version_of_only_spaces_counts_as_missing(statement):
    statement.text_cy = "  \n "
    with translation.override("cy"):
        assert statement.localised("text") == statement.text
        assert statement.falls_back("text")


def test_welsh_arguments_are_shown_on_welsh_pages(client, consultation):
    argument = ArgumentFactory(consultation=consultation, claim_cy="Mae'n gywir", explanation_cy="Oherwydd.")
    argument_path = argument.get_absolute_url()
    body = client.get(welsh(consultation.get_absolute_url())).content.decode()
    assert "Mae&#x27;n gywir" in body
    assert "Oherwydd." in body
    assert argument.claim not in client.get(welsh(argument_path)).content.decode()


class FormValues(HTMLParser):
    """The values a browser would submit from the page's main form (as the admin renders it)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "checkbox", "file"}:
            self.values[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.values[name] = attrs.get("value") or "on"
        elif tag == "textarea":
            self.textarea = name
            self.values[name] = ""
        elif tag == "option" and "selected" in attrs and self.select:
            self.values[self.select] = attrs.get("value") or ""
        if tag == "select":
            self.select = name
            self.values.setdefault(name, "")

    select: str | None = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        if tag == "select":
            self.select = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea] += data


def change_in_admin(client, obj, **changes) -> int:
    url = reverse(f"admin:consult_{obj._meta.model_name}_change", args=[obj.pk])
    form = FormValues()
    form.feed(client.get(url).content.decode())
    response = client.post(url, form.values | changes)
    return response.status_code


HOSTILE = '<script>alert("cy")</script><img src=x onerror=alert(1)>\u202eCymraeg\u200b'


def test_hostile_welsh_in_the_admin_is_escaped_on_the_page(client, superuser, statement):
    client.force_login(superuser)
    consultation = statement.consultation
    assert change_in_admin(client, consultation, title_cy=HOSTILE, background_cy=HOSTILE) == 302
    consultation.refresh_from_db()
    assert consultation.title_cy == HOSTILE
    body = client.get(welsh(consultation.get_absolute_url())).content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;cy&quot;)&lt;/script&gt;" in body


def test_the_admin_refuses_oversized_welsh(client, superuser, statement):
    client.force_login(superuser)
    assert change_in_admin(client, statement, title_cy="ŵ" * 201) == 200  # The form, with its error.
    statement.refresh_from_db()
    assert statement.title_cy == ""


def test_the_admin_shows_each_welsh_field_beside_its_english(client, superuser, statement):
    client.force_login(superuser)
    body = client.get(reverse("admin:consult_statement_change", args=[statement.pk])).content.decode()
    row = body.split('id="id_title"', 1)[1].split("form-row", 1)[0]
    assert 'id="id_title_cy"' in row


# Emails in the signer's language.


def test_a_welsh_signer_gets_a_welsh_confirmation_linking_to_welsh_pages(
    client, statement, django_capture_on_commit_callbacks
):
    statement.title_cy = "Datganiad Cymraeg"
    statement.save()
    with translation.override("cy"):
        post_sign(client, statement, django_capture_on_commit_callbacks)
    assert Signature.objects.get().language == "cy"
    message = mail.outbox[-1]
    assert message.subject == "Cadarnhewch eich llofnod: Datganiad Cymraeg"
    assert "I gadarnhau eich llofnod ar “Datganiad Cymraeg”" in message.body
    assert '<html lang="cy">' in message.alternatives[0][0]
    confirm = link_to("/signatures/confirm/")
    assert confirm.startswith("/cy/signatures/confirm/")
    assert "Cadarnhau fy llofnod" in client.get(confirm).content.decode()


def test_an_english_signer_gets_english_emails(client, statement, django_capture_on_commit_callbacks):
    statement.title_cy = "Datganiad Cymraeg"
    statement.save()
    post_sign(client, statement, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.subject == f"Confirm your signature: {statement.title}"
    assert link_to("/signatures/confirm/").startswith("/signatures/confirm/")


def test_an_update_goes_to_each_signer_in_their_language(statement, django_capture_on_commit_callbacks):
    english = SignatureFactory(statement=statement, wants_updates=True, language="en")
    cymraeg = SignatureFactory(statement=statement, wants_updates=True, language="cy")
    for signature in (english, cymraeg):
        signature.confirm()
    update = Update.objects.create(
        statement=statement,
        subject="News",
        body="Read **this**.",
        subject_cy="Newyddion",
        body_cy="Darllenwch **hwn**.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        updates.begin_sending(update)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient[english.email].subject == "News"
    assert "Read this." in by_recipient[english.email].body.replace("**", "")
    welsh_message = by_recipient[cymraeg.email]
    assert welsh_message.subject == "Newyddion"
    assert "Darllenwch" in welsh_message.body
    assert "<strong>hwn</strong>" in welsh_message.alternatives[0][0]
    assert "Atal yr e-byst hyn" in welsh_message.alternatives[0][0]
    assert "/cy/signatures/" in welsh_message.body  # The manage link opens the Welsh page.
    # The one-click unsubscribe address is the same unprefixed one for everyone.
    assert "/cy/" not in welsh_message.extra_headers["List-Unsubscribe"]


def test_a_welsh_signer_gets_the_english_update_when_no_welsh_was_written(
    statement, django_capture_on_commit_callbacks
):
    SignatureFactory(statement=statement, wants_updates=True, language="cy").confirm()
    update = Update.objects.create(statement=statement, subject="News only in English", body="Hello.")
    with django_capture_on_commit_callbacks(execute=True):
        updates.begin_sending(update)
    message = mail.outbox[-1]
    assert message.subject == "News only in English"
    assert "Atal yr e-byst hyn" in message.alternatives[0][0]  # The frame around it is still Welsh.


def test_milestone_updates_are_written_in_both_languages(statement):
    statement.title_cy = "Datganiad"
    statement.milestones = [1]
    statement.save()
    SignatureFactory(statement=statement).confirm()
    milestones.check_milestones()
    update = statement.updates.get()
    assert update.subject == f"1 people have signed “{statement.title}”"
    assert update.subject_cy == "Mae 1 o bobl wedi llofnodi “Datganiad”"
    assert update.body_cy.startswith("Diolch.")


def test_an_argument_decision_reaches_its_author_in_their_language(
    superuser, consultation, django_capture_on_commit_callbacks
):
    argument = ArgumentFactory(consultation=consultation, status=Argument.Status.PENDING, language="cy")
    with django_capture_on_commit_callbacks(execute=True):
        decide_argument(argument, superuser, True)
    message = mail.outbox[-1]
    assert message.subject == "Mae eich dadl wedi'i chyhoeddi"
    assert "/cy/consultations/" in message.body


def test_arguments_remember_the_language_they_were_written_in(client, user, consultation):
    client.force_login(user)
    data = {
        "side": "for",
        "claim": "Honiad",
        "explanation": "Esboniad.",
        "source_title_1": "Ffynhonnell",
        "source_url_1": "https://example.org/",
    }
    response = client.post(welsh(reverse("argument_submit", args=[consultation.slug])), data)
    assert response.status_code == 302, response.content.decode()
    assert Argument.objects.get(claim="Honiad").language == "cy"
