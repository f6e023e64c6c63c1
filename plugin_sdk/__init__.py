"""What kernel extensions import: the `arcade` hook markers and the data types hooks pass around.

The hooks themselves are declared in `plugin_sdk.hookspecs`.
"""

from plugin_sdk.markers import PROJECT_NAME, hookimpl, hookspec
from plugin_sdk.types import JobSummary, NotifyRequest, NotifyResult, RunSummary

__all__ = [
    "PROJECT_NAME",
    "JobSummary",
    "NotifyRequest",
    "NotifyResult",
    "RunSummary",
    "hookimpl",
    "hookspec",
]
