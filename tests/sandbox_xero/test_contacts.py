"""Creating contacts in the sandbox: names unique among active contacts, numbers not."""

from .conftest import data, messages


def create(api, *contacts):
    reply = api.put("Contacts", {"Contacts": list(contacts)}, params={"summarizeErrors": "false"})
    assert reply.status_code == 200, reply.text
    return data(reply)["Contacts"]


def test_a_contact_is_created_with_its_number_and_found_by_it(api):
    [created] = create(api, {"Name": "Jane Smith (C-42)", "ContactNumber": "C-42"})

    found = data(api.get("Contacts", where='ContactNumber=="C-42"'))["Contacts"]
    assert [c["ContactID"] for c in found] == [created["ContactID"]]


def test_a_second_contact_with_a_name_in_use_is_refused_in_xeros_words(api):
    [refused] = create(api, {"Name": "POS Sales"})

    assert messages(refused) == [
        "The contact name POS Sales is already assigned to another contact. The contact name "
        "must be unique across all active contacts."
    ]


def test_a_contact_without_a_name_is_refused(api):
    [refused] = create(api, {"ContactNumber": "C-1"})

    assert messages(refused) == ["The contact name is required."]
