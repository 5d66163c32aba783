"""The OpenAPI 3.1 description of the public JSON API, served at /api/v1/openapi.json."""

from django.conf import settings

NULLABLE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}

STATEMENT = {
    "type": "object",
    "description": "A statement and its counts of confirmed, valid signatures (at most a few seconds old).",
    "required": [
        "slug",
        "title",
        "status",
        "url",
        "sign_url",
        "widget_url",
        "badge_url",
        "signatures",
        "individuals",
        "organisations",
        "notable",
        "awaiting_checks",
        "next_milestone",
        "opens_at",
        "closes_at",
        "updated_at",
        "corrections",
        "recipient",
        "recipient_cy",
        "proposed_by",
        "milestone_meanings",
        "responses",
    ],
    "additionalProperties": False,
    "properties": {
        "slug": {
            "type": "string",
            "pattern": "^[-a-zA-Z0-9_]+$",
            "examples": ["pause-live-facial-recognition"],
        },
        "title": {"type": "string"},
        "status": {
            "type": "string",
            "enum": ["open", "closed", "upcoming"],
            "description": "Whether the statement takes signatures now, has closed, or opens later.",
        },
        "url": {"type": "string", "format": "uri", "description": "The statement's page."},
        "sign_url": {"type": "string", "format": "uri", "description": "Where a reader signs it."},
        "widget_url": {"type": "string", "format": "uri", "description": "The widget, for an iframe."},
        "badge_url": {"type": "string", "format": "uri", "description": "An SVG badge with the count."},
        "signatures": {"type": "integer", "minimum": 0, "description": "All counted signatures."},
        "individuals": {"type": "integer", "minimum": 0},
        "organisations": {"type": "integer", "minimum": 0},
        "notable": {"type": "integer", "minimum": 0, "description": "Verified holders of a public role."},
        "awaiting_checks": {
            "type": "integer",
            "minimum": 0,
            "description": "Confirmed signatures not yet counted: held until a moderator's checks pass.",
        },
        "next_milestone": {
            "type": ["integer", "null"],
            "description": "The next milestone above the count, or null when every milestone is passed.",
        },
        "opens_at": NULLABLE_DATE_TIME,
        "closes_at": NULLABLE_DATE_TIME,
        "updated_at": {
            "type": "string",
            "format": "date-time",
            "description": "When the statement itself (title, status, dates) last changed.",
        },
        "corrections": {
            "type": "array",
            "description": (
                "Every change made after people signed, oldest first: what they signed is kept here. "
                "A Welsh version added where there was none is a translation, not a correction."
            ),
            "items": {"$ref": "#/components/schemas/Correction"},
        },
        "recipient": {
            "type": "string",
            "description": "Whom the statement is addressed to and asks to act; empty if nobody is named.",
        },
        "recipient_cy": {"type": "string", "description": "The same in Welsh; empty if not translated."},
        "proposed_by": {
            "type": ["string", "null"],
            "description": "The organisation that proposed it, or null if the editors wrote it.",
        },
        "milestone_meanings": {
            "type": "array",
            "description": "What reaching each milestone leads to, lowest first.",
            "items": {"$ref": "#/components/schemas/MilestoneMeaning"},
        },
        "responses": {
            "type": "array",
            "description": "The recipient's responses and the events the statement led to, oldest first.",
            "items": {"$ref": "#/components/schemas/Response"},
        },
    },
}

MILESTONE_MEANING = {
    "type": "object",
    "required": ["signatures", "meaning", "meaning_cy"],
    "additionalProperties": False,
    "properties": {
        "signatures": {"type": "integer", "minimum": 0},
        "meaning": {"type": "string", "examples": ["The recipient is asked to respond."]},
        "meaning_cy": {"type": "string", "description": "The same in Welsh; empty if not translated."},
    },
}

RESPONSE = {
    "type": "object",
    "required": [
        "kind",
        "date",
        "summary",
        "summary_cy",
        "text",
        "text_cy",
        "source_url",
        "arguments",
        "recorded_at",
    ],
    "additionalProperties": False,
    "properties": {
        "kind": {
            "type": "string",
            "enum": ["response", "event"],
            "description": "A response from the recipient, or an event (a debate, a ruling, a policy).",
        },
        "date": {"type": "string", "format": "date", "description": "When it was given or happened."},
        "summary": {"type": "string"},
        "summary_cy": {"type": "string"},
        "text": {"type": "string", "description": "The full text, plain; empty if only summarised."},
        "text_cy": {"type": "string"},
        "source_url": {"type": "string", "description": "Where it is published; empty if nowhere."},
        "arguments": {
            "type": "array",
            "items": {"type": "integer"},
            "description": "Ids of the consultation's arguments it bears on.",
        },
        "recorded_at": {"type": "string", "format": "date-time"},
    },
}

CORRECTION = {
    "type": "object",
    "required": ["corrected_at", "field", "before", "after", "reason"],
    "additionalProperties": False,
    "properties": {
        "corrected_at": {"type": "string", "format": "date-time"},
        "field": {
            "type": "string",
            "enum": [
                "title",
                "text",
                "title_cy",
                "text_cy",
                "recipient",
                "recipient_cy",
                "slug",
                "closes_at",
                "status",
            ],
            "description": 'What changed; a status of "withdrawn" means the statement was withdrawn.',
        },
        "before": {
            "type": "string",
            "description": "The value signers saw (dates in ISO 8601; empty for none).",
        },
        "after": {"type": "string"},
        "reason": {"type": "string", "description": "The moderator's reason, as written (plain text)."},
    },
}

STATEMENT_PAGE = {
    "type": "object",
    "required": ["count", "next", "previous", "results"],
    "additionalProperties": False,
    "properties": {
        "count": {"type": "integer", "minimum": 0, "description": "Open statements in all pages."},
        "next": {"type": ["string", "null"], "format": "uri"},
        "previous": {"type": ["string", "null"], "format": "uri"},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Statement"}},
    },
}

ERROR = {
    "type": "object",
    "required": ["detail"],
    "additionalProperties": False,
    "properties": {"detail": {"type": "string"}},
}

CACHE_HEADERS = {
    "Cache-Control": {
        "description": "public, max-age=10, stale-while-revalidate=20, stale-if-error=50",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "A strong validator; send it back in If-None-Match.",
        "schema": {"type": "string"},
    },
}


def json_response(description: str, schema_name: str) -> dict:
    return {
        "description": description,
        "headers": CACHE_HEADERS,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
    }


NOT_FOUND = {
    "description": "No such public statement, or no such page.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
NOT_MODIFIED = {"description": "The representation matching If-None-Match has not changed."}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}}


def openapi_document() -> dict:
    """The description, with the server built from SITE_URL (read at request time, not import)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Consult signature counts",
            "version": "1.0.0",
            "description": (
                "Read-only counts of the statements on this site. No key, no cookies; any origin may "
                "read it (CORS). Responses are cacheable for 10 seconds; please poll no more often "
                "than every 10 seconds."
            ),
        },
        "servers": [{"url": settings.SITE_URL}],
        "paths": {
            "/api/v1/statements/": {
                "get": {
                    "operationId": "listOpenStatements",
                    "summary": "Statements open for signatures, newest first, 20 to a page.",
                    "parameters": [
                        {
                            "name": "page",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "default": 1},
                        },
                        IF_NONE_MATCH,
                    ],
                    "responses": {
                        "200": json_response("A page of open statements.", "StatementPage"),
                        "304": NOT_MODIFIED,
                        "404": NOT_FOUND,
                    },
                }
            },
            "/api/v1/statements/{slug}/": {
                "get": {
                    "operationId": "getStatement",
                    "summary": "One statement (open or closed) and its counts.",
                    "parameters": [
                        {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                        IF_NONE_MATCH,
                    ],
                    "responses": {
                        "200": json_response("The statement and its counts.", "Statement"),
                        "304": NOT_MODIFIED,
                        "404": NOT_FOUND,
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Statement": STATEMENT,
                "Correction": CORRECTION,
                "MilestoneMeaning": MILESTONE_MEANING,
                "Response": RESPONSE,
                "StatementPage": STATEMENT_PAGE,
                "Error": ERROR,
            }
        },
    }
