"""The /api/v1 HTTP API against a real kernel: problem responses for each class of bad input."""

import httpx
import pytest

HELLO = "name: hello\njobs:\n  - name: j\n    steps: [{run: 'echo hi'}]\n"


@pytest.fixture
def api(embedded):
    with httpx.Client(
        base_url=embedded.kernel.http_url + "/api/v1",
        headers={"Authorization": f"Bearer {embedded.admin_token}"},
    ) as client:
        yield client


def problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_pipeline_crud_and_trigger(api):
    created = api.post("/pipelines", json={"spec_yaml": HELLO})
    assert created.status_code == 201
    assert api.get("/pipelines/hello").json()["id"] == created.json()["id"]
    run = api.post("/pipelines/hello/trigger", json={"variables": {"A": "1"}}).json()
    assert run["number"] == 1 and run["variables"] == {"A": "1"}
    assert [job["name"] for job in run["jobs"]] == ["j"]
    assert api.get("/runs/hello%231").json()["id"] == run["id"]
    assert api.get(f"/runs/{run['id'][:8]}").json()["id"] == run["id"]
    assert [r["id"] for r in api.get("/pipelines/hello/runs").json()["runs"]] == [run["id"]]
    problem(api.delete("/pipelines/hello"), 409)  # an active run
    assert api.post(f"/runs/{run['id']}/cancel").status_code == 202
    assert api.get(f"/runs/{run['id']}").json()["status"] == "CANCELLED"
    assert api.delete("/pipelines/hello").status_code == 204
    problem(api.get("/pipelines/hello"), 404)


def test_request_id_makes_trigger_idempotent(api):
    api.post("/pipelines", json={"spec_yaml": HELLO})
    first = api.post("/pipelines/hello/trigger", json={"request_id": "abc"}).json()
    again = api.post("/pipelines/hello/trigger", json={"request_id": "abc"}).json()
    other = api.post("/pipelines/hello/trigger", json={"request_id": "xyz"}).json()
    assert first["id"] == again["id"] != other["id"]


def test_invalid_spec_reports_file_line_and_column_and_stores_nothing(api):
    body = problem(
        api.post(
            "/pipelines",
            json={"spec_yaml": "name: x\njobs:\n  - name: j\n    stepz: []\n", "file_name": "ci.yaml"},
        ),
        422,
    )
    unknown = [e for e in body["errors"] if "stepz" in e["message"]]
    assert unknown == [{"file": "ci.yaml", "line": 4, "column": 5, "message": unknown[0]["message"]}]
    assert any("missing required key 'steps'" in e["message"] for e in body["errors"])
    assert api.get("/pipelines").json()["pipelines"] == []


def test_invalid_update_keeps_the_stored_spec(api):
    api.post("/pipelines", json={"spec_yaml": HELLO})
    problem(api.put("/pipelines/hello", json={"spec_yaml": "name: hello\njobs: 3\n"}), 422)
    assert api.get("/pipelines/hello").json()["spec_yaml"] == HELLO


def test_duplicate_pipeline_conflicts_unless_upsert(api):
    api.post("/pipelines", json={"spec_yaml": HELLO})
    problem(api.post("/pipelines", json={"spec_yaml": HELLO}), 409)
    assert api.post("/pipelines", json={"spec_yaml": HELLO, "upsert": True}).status_code == 201


def test_malformed_bodies_name_the_field(api):
    assert "not valid JSON" in problem(api.post("/pipelines", content=b"{nope"), 422)["detail"]
    assert "field 'spec_yaml' is required" in problem(api.post("/pipelines", json={}), 422)["detail"]
    assert (
        "field 'spec_yaml' must be str"
        in problem(api.post("/pipelines", json={"spec_yaml": 3}), 422)["detail"]
    )
    api.post("/pipelines", json={"spec_yaml": HELLO})
    detail = problem(api.post("/pipelines/hello/trigger", json={"variables": {"1BAD": "x"}}), 422)["detail"]
    assert "variable '1BAD'" in detail
    assert "expected an integer" in problem(api.get("/runs", params={"limit": "many"}), 422)["detail"]
    assert "kind" in problem(api.post("/tokens", json={"kind": "root"}), 422)["detail"]


def test_unknown_things_are_404_problems(api):
    problem(api.get("/runs/does-not-exist"), 404)
    problem(api.get("/agents/ghost"), 404)
    problem(api.get("/nowhere"), 404)
    problem(api.delete("/tokens/nope"), 404)


def test_tokens_are_shown_once_and_stored_hashed(api, embedded):
    created = api.post("/tokens", json={"kind": "agent", "description": "ci"}).json()
    assert created["token"].startswith("arc_reg_") and created["expires_at"]
    listed = api.get("/tokens").json()["tokens"]
    assert all("token" not in item and "token_hash" not in item for item in listed)
    rows = embedded.kernel.tokens.list()
    assert created["token"] not in {row.token_hash for row in rows}
    admin = api.post("/tokens", json={"kind": "admin"}).json()["token"]
    assert (
        httpx.get(
            embedded.kernel.http_url + "/api/v1/agents", headers={"Authorization": f"Bearer {admin}"}
        ).status_code
        == 200
    )
    assert (
        api.delete(
            f"/tokens/{[r for r in api.get('/tokens').json()['tokens'] if r['kind'] == 'admin'][0]['id']}"
        ).status_code
        == 204
    )
    assert (
        httpx.get(
            embedded.kernel.http_url + "/api/v1/agents", headers={"Authorization": f"Bearer {admin}"}
        ).status_code
        == 401
    )


def test_registration_tokens_are_not_api_tokens(api, embedded):
    registration = api.post("/tokens", json={"kind": "agent"}).json()["token"]
    response = httpx.get(
        embedded.kernel.http_url + "/api/v1/agents", headers={"Authorization": f"Bearer {registration}"}
    )
    problem(response, 401)


def test_health_and_metrics_are_open(embedded):
    assert httpx.get(embedded.kernel.http_url + "/healthz").json()["status"] == "ok"
    metrics = httpx.get(embedded.kernel.http_url + "/metrics").text
    assert "arcade_runs_triggered_total" in metrics
