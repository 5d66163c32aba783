"""Public-contract URLs: the JSON API, the embeds, oEmbed and the open data. Other sites depend on
these paths, so they never carry a language prefix."""

from django.urls import path

from consult.views import api, embeds, open_data

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
    # Open data (versioned).
    path(
        "open-data/v1/statements/<slug:slug>/history.csv",
        open_data.history_csv,
        name="open_data_history_csv",
    ),
    path(
        "open-data/v1/statements/<slug:slug>/history.json",
        open_data.history_json,
        name="open_data_history_json",
    ),
    path("open-data/v1/statements/<slug:slug>/counts.json", open_data.counts_json, name="open_data_counts"),
    path(
        "open-data/v1/consultations/<slug:slug>/arguments.json",
        open_data.arguments_json,
        name="open_data_arguments",
    ),
    path(
        "open-data/v1/consultations/<slug:slug>/arguments.csv",
        open_data.arguments_csv,
        name="open_data_arguments_csv",
    ),
]
