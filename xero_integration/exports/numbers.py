"""Document numbers: the one place they are made.

A number is deterministic (prefix + sale id, or prefix + business day + currency), so
after an unknown outcome the exporter can ask Xero whether it already holds it, and it
is fixed when the document is planned: a prefix changed later never renames a document
Xero may already have.
"""

import datetime

from ..models import DocumentKind


def sale_document_number(prefix: str, sale_id: str) -> str:
    """E.g. POSS1-1001 for sale 1001 (a refund's credit note is numbered the same way)."""
    return f"{prefix}-{sale_id}"


def summary_document_number(
    prefix: str, day: datetime.date, currency: str, kind: str, sequence: int = 1
) -> str:
    """E.g. SYD-20261123-AUD, its credit note SYD-20261123-AUD-CN, a late second SYD-20261123-AUD-2."""
    number = f"{prefix}-{day:%Y%m%d}-{currency}"
    if kind == DocumentKind.CREDIT_NOTE:
        number += "-CN"
    return number if sequence == 1 else f"{number}-{sequence}"


def journal_narration(prefix: str, day: datetime.date, currency: str, sequence: int = 1) -> str:
    """E.g. "SYD POS takings 2026-11-23 AUD", a late second "… AUD part 2".

    Xero keeps no number on a manual journal: the narration, deterministic like a number,
    is what the exporter looks the journal up by before sending it again.
    """
    narration = f"{prefix} POS takings {day:%Y-%m-%d} {currency}"
    return narration if sequence == 1 else f"{narration} part {sequence}"


def day_document_number(
    prefix: str, day: datetime.date, currency: str, kind: str, sequence: int = 1
) -> str:
    """The number of a business day's document of this kind: a summary's or a journal's."""
    if kind == DocumentKind.MANUAL_JOURNAL:
        return journal_narration(prefix, day, currency, sequence)
    return summary_document_number(prefix, day, currency, kind, sequence)
