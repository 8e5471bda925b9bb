"""Helpers without models that every app may use: text made safe where it is written."""
