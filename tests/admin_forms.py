"""Posting admin pages as a browser would: the forms and inline rows shown, with changes."""

from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext


def form_data(response) -> dict:
    """What a browser would post back for an admin change page as it was shown."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is not None and value is not False:
                data[field.html_name] = "on" if value is True else value
    return data


def add_inline_row(data: dict, prefix: str, **fields) -> dict:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    data.update({f"{prefix}-{index}-{name}": value for name, value in fields.items()})
    return data


def queries_to_render(client, url) -> int:
    with CaptureQueriesContext(db_connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def outlet_add_data(merchant, **overrides) -> dict:
    data = {
        "merchant": merchant.pk,
        "pos_station_id": "S9",
        "name": "Manly",
        "timezone": "Australia/Sydney",
        "is_active": "on",
        "export_settings-TOTAL_FORMS": 1,
        "export_settings-INITIAL_FORMS": 0,
        "export_settings-0-frequency": "daily",
        "export_settings-0-grouping": "daily_summary",
        "export_settings-0-daily_at": "02:00",
        "export_settings-0-business_day_start_hour": 0,
        "export_settings-0-enabled": "on",
        "export_settings-0-lock_date_policy": "hold",
        "mappings-TOTAL_FORMS": 0,
        "mappings-INITIAL_FORMS": 0,
    }
    return {**data, **overrides}
