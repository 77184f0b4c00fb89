"""Guided setup of a merchant: the checklist, and the one-screen mapping editor's choices."""
