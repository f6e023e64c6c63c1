"""Arcade's builtin kernel extensions: ordinary plugins written only against `plugin_sdk`."""
