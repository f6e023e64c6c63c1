"""What a Python step plugin imports inside its WebAssembly component (never imported by the agent).

A plugin is a `plugin.py` module whose actions are functions decorated with `@action("name")`; each gets a
`Request` and returns a JSON object (a dict). Raise `ActionError` to fail the step with a message. `log`
writes step log lines; `http.fetch` reaches the origins the manifest's `network.allowed_hosts` grants,
through the host (the component has no sockets of its own).

    from arcade_plugin import ActionError, Request, action, http, log

    @action("greet")
    def greet(request: Request) -> dict:
        log.info(f"greeting {request.args['name']}")
        return {"greeting": f"hello {request.args['name']}"}
"""

from arcade_plugin import http, log
from arcade_plugin.actions import ActionError, Request, action
from arcade_plugin.http import HttpError, Response

__all__ = ["ActionError", "HttpError", "Request", "Response", "action", "http", "log"]
