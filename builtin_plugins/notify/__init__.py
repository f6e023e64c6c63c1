"""Notification channels for pipeline `notify` entries: `notify/stdout` and `notify/webhook`."""

from builtin_plugins.notify.stdout import StdoutChannel
from builtin_plugins.notify.webhook import WebhookChannel

__all__ = ["StdoutChannel", "WebhookChannel"]
