"""The kernel's extension hooks: the public API of the kernel for trusted, in-process extensions.

Implement a hook with a function (or method) of the same name and arguments, marked with
`plugin_sdk.hookimpl`; you may accept any subset of the arguments. Register a module or object through the
`arcade.plugins` entry-point group and allow-list its entry-point name in `ARCADE_KERNEL_PLUGINS`.
"""

from __future__ import annotations

from plugin_sdk.markers import hookspec
from plugin_sdk.types import NotifyRequest, NotifyResult, RunSummary

# ---------------------------------------------------------------------------------------------- notify


@hookspec(firstresult=True)
def arcade_notify(request: NotifyRequest, summary: RunSummary) -> NotifyResult | None:
    """Deliver one pipeline `notify` entry about a finished run; return None unless `request.plugin` is
    yours. The first result wins, so later-registered plugins can take over a builtin channel. Called on a
    worker thread, never on the kernel's event loop; report failures in the result rather than raising."""
