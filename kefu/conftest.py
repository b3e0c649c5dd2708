"""Which tests run only in CI: the inner loop `./dev test --fast` (-m "not browser and not slow") leaves them out,
`./dev test` (CI) runs them all.

A test belongs here when it costs solver, simulation or bulk-data time that a developer changing something else
should not wait for: CP-SAT rosters, SimPy and Erlang simulations, demo centers built whole, generated call logs,
migrations run back and forth, the generated-input fuzzing of the API. Each entry says why. Entries are files (every
test in them) or single tests ("path::name"); kefu/tests/test_ci_only.py checks that each still names a test.
Marking a test in its own file (`@pytest.mark.slow`) works as well; this list keeps the choice in one place.
"""

from __future__ import annotations

import pytest

CI_ONLY: dict[str, str] = {
    # CP-SAT / LNS / column generation: solver seconds per case, and results depend on the solver's time limit
    "kefu/roster/tests/test_repair.py": "re-rostering a published roster with CP-SAT",
    "kefu/roster/tests/test_lns.py": "large-neighbourhood search over CP-SAT",
    "kefu/roster/tests/test_patterns.py": "column generation and dives",
    "kefu/roster/tests/test_labelling.py": "DP checked against the CP-SAT optimum",
    "kefu/roster/tests/test_decompose.py": "team-by-team solver passes",
    "kefu/roster/tests/test_demo.py": "the demo's rosters solved for six weeks",
    "kefu/roster/tests/test_benchmark.py": "benchmark instances solved to the proven optimum",
    # simulations
    "kefu/wfm/tests/test_simulation.py": "Erlang A against a SimPy simulation's confidence interval",
    "kefu/telephony/tests/test_simulator.py": "SimPy call-center simulator against published Erlang C examples",
    "kefu/kpi/tests/test_simulated_month.py": "a simulated month of calls against ground truth",
    # bulk data: generated logs and whole demo centers
    "kefu/telephony/tests/test_queue_log_frame.py": "generated queue_log files read in columns and line by line",
    "kefu/telephony/tests/test_demo.py": "a demo month of calls imported through queue_log",
    "kefu/attendance/tests/test_demo.py": "the demo center's attendance built whole",
    "kefu/shiftlog/tests/test_demo.py": "two weeks of demo handover diaries",
    "kefu/knowledge/tests/test_demo.py": "the demo knowledge base built twice",
    "kefu/followup/tests/test_demo.py": "a month of demo callbacks and a campaign built twice",
    "kefu/shop/tests/test_demo.py": "the demo shop built through the services",
    # migrations run backwards and forwards on a filled database
    "kefu/discipline/tests/test_migrations.py": "migrations run back and forth",
    "kefu/telephony/tests/test_migration.py": "migrations run back and forth",
    # generated input for every API operation (hypothesis)
    "kefu/tests/test_api_schema.py::test_api_never_fails_on_generated_input": "generated requests to every operation",
}


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(config, items):
    for item in items:
        node = item.nodeid.split("[", 1)[0]
        if node.split("::", 1)[0] in CI_ONLY or node in CI_ONLY:
            item.add_marker(pytest.mark.slow)
