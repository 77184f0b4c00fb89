import sandbox_xero
from sandbox_xero.__main__ import SWITCH_FLAGS, parse_args
from sandbox_xero.state import CONFIG_HELP, DEFAULT_CONFIG


def test_switches_default_to_the_config_defaults():
    args = parse_args([])
    assert {name: getattr(args, name) for name in SWITCH_FLAGS} == {
        name: DEFAULT_CONFIG[name] for name in SWITCH_FLAGS
    }


def test_a_switch_can_be_turned_off_by_its_no_flag():
    assert parse_args(["--no-unique-numbers"]).unique_numbers is False


def test_a_limit_is_an_integer_flag():
    assert parse_args(["--max-elements-per-request", "10"]).max_elements_per_request == 10


def test_every_switch_and_limit_is_documented_in_help_and_the_package_docstring():
    assert set(SWITCH_FLAGS) <= set(CONFIG_HELP) and set(CONFIG_HELP) <= set(DEFAULT_CONFIG)
    for name in CONFIG_HELP:
        assert f"- {name} (default" in (sandbox_xero.__doc__ or "")


def test_webhook_url_and_key_are_text_flags():
    args = parse_args(
        ["--webhook-url", "http://127.0.0.1:8000/xero/webhooks", "--webhook-key", "k"]
    )

    assert (args.webhook_url, args.webhook_key) == ("http://127.0.0.1:8000/xero/webhooks", "k")
