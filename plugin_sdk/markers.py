"""The pluggy markers of the `arcade` project: `hookspec` declares hooks, `hookimpl` implements them."""

from __future__ import annotations

import pluggy

PROJECT_NAME = "arcade"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
