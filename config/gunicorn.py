"""gunicorn's configuration: `gunicorn config.wsgi --config python:config.gunicorn` (Procfile).

The access log shows each request's path and query, except the values of parameters that
are credentials. Xero sends the person back to /xero/callback?code=…&state=…: the code is
exchangeable (for minutes, and only with our PKCE verifier and client secret, but still)
and the state ties it to a merchant, so neither belongs in a log that many people read.
A Referer header naming that URL (a link clicked on the callback's error page) is
redacted the same way.
"""

import datetime
import os
import re
from typing import Any

from gunicorn.glogging import Logger

# Parameters whose values never reach the access log.
SECRET_PARAMETERS = ("code", "state", "session_state", "code_verifier", "id_token")
# A parameter starts a query string ("code=…"), or follows "?", "&" or ";" in a URL.
_SECRET = re.compile(r"(?:^|(?<=[?&;]))(%s)=[^&;\s\"]*" % "|".join(SECRET_PARAMETERS), re.I)
REDACTED = r"\1=[redacted]"


def redact(text: str) -> str:
    """A URL, request line or query string with the values of SECRET_PARAMETERS replaced."""
    return _SECRET.sub(REDACTED, text)


class RedactingLogger(Logger):
    """gunicorn's logger, with credentials taken out of every value an access line may show."""

    def atoms(
        self, resp: Any, req: Any, environ: dict, request_time: datetime.timedelta
    ) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if isinstance(value, str):
                atoms[name] = redact(value)
        return atoms


# Read by config.settings in each web worker: the web process keeps its database
# connection for a minute (checked before each request) unless the environment says.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
logger_class = RedactingLogger
