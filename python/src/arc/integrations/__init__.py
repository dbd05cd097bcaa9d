"""Integrations of Arc with agent frameworks and model clients."""
