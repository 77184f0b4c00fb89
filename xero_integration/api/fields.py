"""Serializer fields for text that comes from a POS: refused when the database cannot hold it."""

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers

from config.text import CONTROL_CHARACTERS, is_clean_text


def refuse_control_characters(value: str) -> None:
    if not is_clean_text(value):
        raise serializers.ValidationError(CONTROL_CHARACTERS)


class TextField(serializers.CharField):
    """A CharField without control characters or lone surrogates (config/text.py).

    DRF's CharField refuses only NUL; an escape or a lone surrogate would reach a query
    (and PostgreSQL cannot encode a surrogate either). This check covers NUL too, so
    DRF's is dropped: one message for all of them.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ] + [refuse_control_characters]
