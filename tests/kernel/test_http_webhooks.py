"""POST /api/v1/webhooks/{pipeline} against a real kernel: signatures, headers, branches and refusals."""

import hashlib
import hmac
import json

import httpx
import pytest

from kernel.http.webhooks import MAX_BODY_BYTES, branch_of, signature_matches

SECRET = "hook-secret"
SPEC = """
name: hooked
triggers:
  - {type: event, event_type: push, branch: "main"}
  - {type: event, event_type: deploy}
jobs: [{name: j, steps: [{run: "true"}]}]
"""


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def api(embedded):
    with httpx.Client(
        base_url=embedded.kernel.http_url + "/api/v1",
        headers={"Authorization": f"Bearer {embedded.admin_token}"},
    ) as client:
        client.post("/pipelines", json={"spec_yaml": SPEC, "webhook_secret": SECRET}).raise_for_status()
        yield client


@pytest.fixture
def hook(embedded):
    def post(payload: object, headers: dict[str, str], *, raw: bytes | None = None) -> httpx.Response:
        body = raw if raw is not None else json.dumps(payload).encode()
        return httpx.post(
            embedded.kernel.http_url + "/api/v1/webhooks/hooked",
            content=body,
            headers={"X-Hub-Signature-256": sign(body), **headers},
        )

    return post


def test_signature_check():
    body = b'{"ref": "refs/heads/main"}'
    assert signature_matches(SECRET, body, sign(body))
    assert not signature_matches(SECRET, body, sign(body, "other"))
    assert not signature_matches(SECRET, body, sign(body)[7:])  # without the "sha256=" prefix
    assert not signature_matches(SECRET, body, None)
    assert not signature_matches(None, body, sign(body, ""))
    assert not signature_matches(SECRET, body, "sha256=ünïcode")


@pytest.mark.parametrize(
    ("payload", "branch"),
    [
        ({"ref": "refs/heads/main"}, "main"),
        ({"ref": "refs/heads/release/1.x"}, "release/1.x"),
        ({"ref": "refs/tags/v1.0"}, None),
        ({"ref": "main"}, "main"),
        ({"branch": "dev"}, "dev"),
        ({"ref": 3, "branch": "dev"}, "dev"),
        ({}, None),
    ],
)
def test_branch_of_a_delivery(payload, branch):
    assert branch_of(payload) == branch


def test_arcade_headers_and_a_top_level_branch(api, hook):
    response = hook({"branch": "main"}, {"X-Arcade-Event": "push", "X-Arcade-Delivery": "a-1"})
    assert response.status_code == 202, response.text
    run = response.json()
    assert run["trigger"] == {"type": "event", "event": "push", "branch": "main", "delivery": "a-1"}
    assert run["request_id"] == "webhook:a-1" and [j["name"] for j in run["jobs"]] == ["j"]


def test_an_event_trigger_without_branch_matches_any_ref(api, hook):
    response = hook({"ref": "refs/tags/v2"}, {"X-GitHub-Event": "deploy"})
    assert response.status_code == 202 and response.json()["trigger"]["branch"] is None


def test_no_match_says_why(api, hook):
    response = hook({"ref": "refs/heads/dev"}, {"X-GitHub-Event": "push"})
    assert response.status_code == 200
    assert response.json() == {
        "triggered": False,
        "reason": "no event trigger of pipeline 'hooked' matches event 'push' on branch 'dev'",
    }
    assert api.get("/pipelines/hooked/runs").json()["runs"] == []


def problem(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()["detail"]


def test_bad_requests_are_problems(api, hook):
    assert "not valid JSON" in problem(hook(None, {"X-GitHub-Event": "push"}, raw=b"{nope"), 422)
    assert "expected a JSON object" in problem(hook(None, {"X-GitHub-Event": "push"}, raw=b"[1]"), 422)
    assert "X-GitHub-Event" in problem(hook({"ref": "refs/heads/main"}, {}), 422)
    long_id = {"X-GitHub-Event": "push", "X-GitHub-Delivery": "x" * 151}
    assert "delivery id" in problem(hook({"ref": "refs/heads/main"}, long_id), 422)
    too_big = hook(None, {"X-GitHub-Event": "push"}, raw=b" " * (MAX_BODY_BYTES + 1))
    assert "larger than" in problem(too_big, 413)
    assert api.get("/pipelines/hooked/runs").json()["runs"] == []


def test_the_secret_is_never_returned(api):
    body = api.get("/pipelines/hooked").json()
    assert body["webhook"] is True and SECRET not in json.dumps(body)
    updated = api.put("/pipelines/hooked", json={"spec_yaml": SPEC, "webhook_secret": ""}).json()
    assert updated["webhook"] is False
    assert "webhook secret" in problem(
        api.post("/pipelines", json={"spec_yaml": SPEC, "webhook_secret": "x" * 256}), 422
    )
