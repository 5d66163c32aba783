"""The moderators' back office: one module per area, each registering its admins on import."""

from consult.admin import (  # noqa: F401
    content,
    feedback,
    records,
    responses,
    rules,
    signatures,
    statements,
    updates,
)
