"""JSON log lines (LOG_FORMAT=json): one object per event, ready for a log pipeline.

Each line carries the time, level, logger and message, and the ids of what the event
is about when the caller gave them (`extra=`): merchant, outlet, export document, batch
(the Idempotency-Key of the request to Xero), correlation id and the like.
"""

import datetime
import json
import logging
from typing import Any

# Attributes of a LogRecord that are the record itself, not ids a caller added.
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({key: value for key, value in vars(record).items() if key not in STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
