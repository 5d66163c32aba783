"""Public-contract URLs: the JSON API, the embeds and oEmbed. Other sites depend on these paths."""

from django.urls import path

from consult.views import api, embeds

urlpatterns = [
    path("api/", api.api_docs, name="api_docs"),
    path("api/v1/openapi.json", api.openapi_json, name="api_openapi"),
    path("api/v1/statements/", api.statement_list, name="api_statement_list"),
    path("api/v1/statements/<slug:slug>/", api.statement_detail, name="api_statement_detail"),
    path("embed/statements/<slug:slug>/", embeds.widget, name="embed_widget"),
    path("embed/statements/<slug:slug>/badge.svg", embeds.badge, name="embed_badge"),
    # At the root, so the snippet stays short: <script src="https://SITE/embed.js">.
    path("embed.js", embeds.embed_script, name="embed_script"),
    # Exactly "oembed", no trailing slash: consumers do not follow redirects reliably.
    path("oembed", embeds.oembed, name="oembed"),
    path("statements/<slug:slug>/embed/", embeds.statement_embed, name="statement_embed"),
]
