"""Keys that gate when jobs may run: `concurrency` on jobs and `approval` on stages."""

from dsl_checks import assert_one_error

from kernel.dsl import parse_pipeline


def test_concurrency_key_reaches_every_matrix_expansion():
    spec = parse_pipeline(
        "name: p\njobs:\n  - name: deploy\n    concurrency: prod\n    matrix: {region: [eu, us]}\n"
        "    steps: [{run: 'true'}]\n  - name: build\n    steps: [{run: 'true'}]\n"
    )
    assert {job.name: job.concurrency for job in spec.jobs} == {
        "deploy[region=eu]": "prod",
        "deploy[region=us]": "prod",
        "build": None,
    }


def test_bad_concurrency_keys_name_their_position():
    assert_one_error(
        """
        name: p
        jobs:
          - name: deploy
            concurrency: [prod]
            steps: [{run: 'true'}]
        """,
        4,
        18,
        "expected a string",
    )
    assert_one_error(
        """
        name: p
        jobs:
          - name: deploy
            concurrency: "prod env"
            steps: [{run: 'true'}]
        """,
        4,
        18,
        "invalid concurrency key name 'prod env'",
    )


def test_stage_approval_gate():
    spec = parse_pipeline(
        "name: p\nstages:\n  - name: ship\n    approval: {required: true}\n"
        "    jobs: [{name: j, steps: [{run: x}]}]\n"
    )
    assert spec.stages[0].approval_required
    assert_one_error(
        """
        name: p
        stages:
          - name: ship
            approval: {required: maybe}
            jobs: [{name: j, steps: [{run: x}]}]
        """,
        4,
        26,
        "expected true or false",
    )
    assert_one_error(
        """
        name: p
        stages:
          - name: ship
            approval: {approvers: [me]}
            jobs: [{name: j, steps: [{run: x}]}]
        """,
        4,
        16,
        "unknown key 'approvers'",
    )
