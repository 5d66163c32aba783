"""The moderators' back office: one module per area, each registering its admins on import."""

from consult.admin import content, feedback, records, signatures, statements, updates  # noqa: F401
