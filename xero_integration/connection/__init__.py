"""Connecting a merchant's Xero organisation: the OAuth flow (oauth.py), its browser views
(views.py, urls.py), which connection serves whom and the cached reference data
(selectors.py), and refreshing that data from Xero (reference_data.py)."""
