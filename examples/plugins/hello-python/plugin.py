"""examples/greet: a Python step plugin, built into a WebAssembly component by `arcade plugin build`.

The greeting comes from the plugin's config (`default_config` in manifest.json); the name from the step's
args, already checked against the action's `args` schema by the host before the action runs.
"""

from arcade_plugin import ActionError, Request, action, log


@action("greet")
def greet(request: Request) -> dict:
    name = request.args["name"].strip()
    if not name:
        raise ActionError("args.name must not be blank")
    greeting = request.config.get("greeting", "Hello")
    log.info(f"greeting {name} (run {request.context.get('run_id', '?')})")
    return {"message": f"{greeting}, {name}!"}
