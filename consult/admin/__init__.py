"""The moderators' back office: one module per area, each registering its admins on import."""

from consult.admin import content, records, signatures, statements, updates  # noqa: F401
