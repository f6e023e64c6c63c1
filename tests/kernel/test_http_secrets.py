"""/api/v1/secrets: set, list without values, delete; pipeline scope with ?pipeline=."""

import httpx
import pytest

HELLO = "name: hello\njobs:\n  - name: j\n    steps: [{run: 'echo ${{ secrets.TOKEN }}'}]\n"


@pytest.fixture
def api(embedded):
    with httpx.Client(
        base_url=embedded.kernel.http_url + "/api/v1",
        headers={"Authorization": f"Bearer {embedded.admin_token}"},
    ) as client:
        yield client


def test_secrets_crud_never_returns_values(api):
    assert api.post("/pipelines", json={"spec_yaml": HELLO}).status_code == 201
    trigger = api.post("/pipelines/hello/trigger", json={})
    assert trigger.status_code == 409
    assert "secret 'TOKEN' is not set for pipeline 'hello' or globally" in trigger.json()["detail"]
    put = api.put("/secrets/TOKEN", params={"pipeline": "hello"}, json={"value": "hunter22"})
    assert put.status_code == 200 and put.json()["scope"] == "pipeline"
    assert api.put("/secrets/GLOBAL", json={"value": "g-value"}).json()["scope"] == "global"
    scoped = api.get("/secrets", params={"pipeline": "hello"})
    assert [s["name"] for s in scoped.json()["secrets"]] == ["TOKEN"]
    assert "hunter22" not in scoped.text
    assert [s["name"] for s in api.get("/secrets").json()["secrets"]] == ["GLOBAL"]
    run = api.post("/pipelines/hello/trigger", json={})
    assert run.status_code == 201 and "hunter22" not in run.text
    assert api.delete("/secrets/TOKEN", params={"pipeline": "hello"}).status_code == 204
    assert api.delete("/secrets/TOKEN", params={"pipeline": "hello"}).status_code == 404
    assert api.put("/secrets/bad-name", json={"value": "x"}).status_code == 422
    assert api.put("/secrets/X", json={}).status_code == 422
    assert api.get("/secrets", params={"pipeline": "nope"}).status_code == 404
