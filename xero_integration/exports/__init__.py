"""Turning stored sales into Xero documents and delivering them, exactly once.

- `due`: what is due now (an outlet's schedule, organisations with work).
- `readiness`, `status`: whether an outlet can export, and what the status API says.
- `planning`: sales into documents (numbered by `numbers`), before anything is sent.
- `builders` (pure) and `context`: sales and effective mappings in, Xero JSON out.
- `delivery`: the one life cycle; `documents` and `payments` are its lanes.
- `engine`: one run for one Xero organisation; `control`: sync now, replay, resolve.
"""
