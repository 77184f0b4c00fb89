"""Manual journals in the sandbox: stored when they balance, refused (in Xero's words) when not."""

from decimal import Decimal

from .conftest import data, messages


def journal(**overrides):
    return {
        "Narration": "POS takings 2026-11-23",
        "Date": "2026-11-23",
        "LineAmountTypes": "Inclusive",
        "Status": "POSTED",
        "JournalLines": [
            {"LineAmount": Decimal("110.00"), "AccountCode": "615", "Description": "Card"},
            {
                "LineAmount": Decimal("-110.00"),
                "AccountCode": "200",
                "TaxType": "OUTPUT",
                "TaxAmount": Decimal("-10.00"),
                "Description": "Sales",
            },
        ],
        **overrides,
    }


def put(api, *journals):
    reply = api.put(
        "ManualJournals", {"ManualJournals": list(journals)}, params={"summarizeErrors": "false"}
    )
    assert reply.status_code == 200, reply.text
    return data(reply)["ManualJournals"]


def test_a_balanced_journal_is_stored_with_its_lines(api):
    [stored] = put(api, journal())

    [found] = data(api.get("ManualJournals/" + stored["ManualJournalID"]))["ManualJournals"]
    assert (found["Narration"], found["Status"]) == ("POS takings 2026-11-23", "POSTED")
    assert [line["LineAmount"] for line in found["JournalLines"]] == [
        Decimal("110.00"),
        Decimal("-110.00"),
    ]
    assert found["JournalLines"][1]["TaxAmount"] == Decimal("-10.00")


def test_an_unbalanced_journal_is_refused_in_xeros_words(api):
    lines = journal()["JournalLines"]
    lines[0]["LineAmount"] = Decimal("100.00")

    [refused] = put(api, journal(JournalLines=lines))

    assert refused["HasErrors"] is True
    assert messages(refused) == ["The total debits (100.00) must equal total credits (-110.00)"]


def test_a_journal_on_an_archived_account_is_refused(api):
    lines = journal()["JournalLines"]
    lines[1]["AccountCode"] = "250"

    [refused] = put(api, journal(JournalLines=lines))

    assert messages(refused) == ["Account code '250' is not a valid code for this document."]


def test_a_journal_without_narration_is_refused(api):
    [refused] = put(api, journal(Narration=" "))

    assert messages(refused) == ["Narration is required."]


def test_journals_are_found_by_narration(api):
    put(api, journal(), journal(Narration="Another day"))

    reply = api.get("ManualJournals", where='Narration=="Another day"')

    assert [j["Narration"] for j in data(reply)["ManualJournals"]] == ["Another day"]


def test_a_journal_dated_in_a_locked_period_is_refused(api):
    api.control("POST", "config", {"period_lock_date": "2026-11-30"})

    [refused] = put(api, journal())

    assert messages(refused) == [
        "The journal date cannot be before the period lock date (2026-11-30)."
    ]


def test_a_list_shows_journal_lines_only_when_paged_as_xero_does(api):
    put(api, journal())

    unpaged = data(api.get("ManualJournals", where='Narration=="POS takings 2026-11-23"'))
    paged = data(api.get("ManualJournals", where='Narration=="POS takings 2026-11-23"', page=1))

    assert unpaged["ManualJournals"][0]["JournalLines"] == []
    assert len(paged["ManualJournals"][0]["JournalLines"]) == 2
