"""The `arcade` command line."""
