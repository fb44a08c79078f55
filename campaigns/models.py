"""Campaigns, their timeline of developments and their appeals (built in a later issue)."""
