"""Text from outside that the database can store and a person can read.

PostgreSQL refuses a NUL character in text (the whole query fails, so a request with one
bad value would lose the good ones beside it), a lone surrogate cannot be encoded as
UTF-8 at all, and other control characters only hide what a value really says. Every
text value that comes from a POS or a browser is checked with `is_clean_text` before
it reaches a query.
"""

import re

CONTROL_CHARACTERS = "Must not contain control characters (such as NUL or escape)."

# Unicode's control characters (category Cc: U+0000-U+001F, U+007F-U+009F) and lone
# surrogates (Cs: U+D800-U+DFFF). Descriptions may run over several lines, so the
# multi-line pattern lets tab, line feed and carriage return through.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_LINE_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def is_clean_text(value: str, *, multiline: bool = False) -> bool:
    """No control characters and no lone surrogates (line breaks and tabs if multiline)."""
    pattern = _CONTROL_BUT_LINE_BREAKS if multiline else _CONTROL
    return pattern.search(value) is None
