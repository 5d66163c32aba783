"""Unique, ASCII slugs for objects whose names people type (organisations, proposed statements)."""

import secrets

from django.db import models
from django.utils.text import slugify

# Room kept at the end of a slug for a "-2" ... "-999" or random suffix.
SUFFIX_ROOM = 9


def unique_slug(model: type[models.Model], text: str, fallback: str) -> str:
    """A slug from `text`, unique in `model`'s `slug` column and within its length.

    URLs take ASCII slugs only, so a name in another script or made of emoji slugifies to
    nothing: it then starts from `fallback`. Collisions get "-2", "-3", ... and, past that, a
    random suffix, so this always ends. The database's unique constraint remains the final
    word when two requests race for the same slug.
    """
    queryset = model._default_manager.all()
    max_length = model._meta.get_field("slug").max_length
    base = slugify(text)[: max_length - SUFFIX_ROOM].strip("-") or fallback
    if not queryset.filter(slug=base).exists():
        return base
    taken = set(queryset.filter(slug__startswith=f"{base}-").values_list("slug", flat=True)[:1000])
    for number in range(2, 1000):
        candidate = f"{base}-{number}"
        if candidate not in taken:
            return candidate
    return f"{base}-{secrets.token_hex(4)}"
