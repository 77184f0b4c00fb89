"""`manage.py check --deploy` is clean with the production settings the README shows."""

import re

from .test_settings import PRODUCTION, ROOT, run


def readme_production_settings() -> dict[str, str]:
    """The settings the README's Security section shows production setting, placeholders filled."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n# Production settings\n(.*?)```", readme, re.S)
    assert block is not None, "README: no ```sh block starting with '# Production settings'"
    found = dict(
        line.split("=", 1) for line in block.group(1).splitlines() if re.match(r"^[A-Z_]+=", line)
    )
    fill = {"SECRET_KEY": PRODUCTION["SECRET_KEY"], "FERNET_KEYS": PRODUCTION["FERNET_KEYS"]}
    return {
        name: fill.get(name, "postgres://u:p@db/x") if value.startswith("<") else value
        for name, value in found.items()
    }


def test_check_deploy_is_clean_with_the_settings_the_readme_shows():
    env = readme_production_settings()

    result = run("", "manage.py", "check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
