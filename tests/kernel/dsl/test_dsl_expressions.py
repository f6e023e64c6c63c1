"""`${{ }}` expressions: what `arcade validate` reports, and substitution."""

import pytest
from dsl_checks import assert_one_error, errors

from kernel.dsl.expressions import secret_names, substitute


def test_every_namespace_is_accepted_where_it_applies():
    assert not errors(
        """
        name: x
        variables: {A: "1", B: "${{ secrets.TOKEN }}"}
        env: {E: "${{variables.A}}"}
        jobs:
          - name: t
            matrix: {py: ["3.11"]}
            env: {F: "${{ env.E }}"}
            steps: [{run: "echo ${{ matrix.py }} ${{ env.HOME }} ${{ secrets.X }}"}]
        """
    )


@pytest.mark.parametrize(
    ("run", "fragment"),
    [
        ("echo ${{ nope }}", "malformed expression"),
        ("echo ${{ foo.bar }}", "unknown namespace 'foo'"),
        ("echo ${{ variables.Z }}", "variable 'Z' is not declared"),
        ("echo ${{ matrix.py }}", "only available in a job with a matrix"),
        ("echo ${{ variables.A", "unterminated expression"),
    ],
)
def test_bad_expressions_in_run_are_reported_at_the_string(run, fragment):
    spec = f"name: x\nvariables: {{A: '1'}}\njobs:\n  - name: t\n    steps:\n      - run: '{run}'\n"
    assert_one_error(spec, 6, 14, fragment)


def test_an_unknown_matrix_axis_is_reported_in_step_env():
    spec = (
        "name: x\njobs:\n  - name: t\n    matrix: {py: [a]}\n    steps:\n"
        "      - run: echo\n        env: {K: '${{ matrix.os }}'}\n"
    )
    assert_one_error(spec, 7, 18, "unknown matrix axis 'os' (axes: py)")


def test_an_undeclared_variable_is_reported_in_pipeline_env():
    spec = "name: x\nenv: {K: '${{ variables.NOPE }}'}\njobs:\n  - name: t\n    steps: [{run: echo}]\n"
    assert_one_error(spec, 2, 10, "variable 'NOPE' is not declared")


def test_substitute_keeps_unresolved_and_malformed_text():
    values = {("variables", "A"): "1"}
    text = substitute("${{variables.A}} ${{ secrets.S }} ${{ bad }}", lambda ns, name: values.get((ns, name)))
    assert text == "1 ${{ secrets.S }} ${{ bad }}"
    assert secret_names("${{ secrets.A }}-${{secrets.B}} ${{ env.C }}") == {"A", "B"}
