"""A Case re-solved after a change starts from its previous steady state and lands on the
cold solution."""

import numpy as np
import pytest

import reesx
from cases import pr_nd_17, pr_nd_beta_log10


@pytest.fixture(scope="module")
def case_17x100():
    return pr_nd_17(50, 1.1, pr_nd_beta_log10(reesx))


def assert_same_steady_state(a, b):
    """Profiles and products to 1e-9 relative: the solve's tolerance is 1e-10 on the scaled
    balances, and the two Newton paths stop at different points within it."""
    for name in ("aqueous_log10", "organic_log10"):
        x, y = getattr(a, name), getattr(b, name)
        finite = np.isfinite(x)
        assert (finite == np.isfinite(y)).all()
        # log10 concentrations: 1e-9 relative in c is 4.3e-10 absolute in log10 c.
        np.testing.assert_allclose(x[finite], y[finite], rtol=0, atol=1e-9 / np.log(10))
    for name, p in a.products.items():
        np.testing.assert_allclose(p.mol_per_h, b.products[name].mol_per_h, rtol=1e-9, atol=0)


def test_warm_resolve_after_a_one_percent_reflux_change_equals_a_cold_solve(case_17x100):
    """S up 1 % with the same RE leaving in the loaded organic (W up as much): the change
    of BM_Cascade17x100WarmResolve."""
    case = reesx.Case(case_17x100)
    before = case.run()
    s, w = case.reflux
    case.set_reflux(S=1.01 * s, W=w + 0.01 * s)
    warm = case.run()
    cold = reesx.Case(case.to_dict()).run()
    assert warm.converged and cold.converged
    assert warm.iterations < cold.iterations  # it did start from the previous solution
    assert_same_steady_state(warm, cold)
    assert not np.allclose(warm.aqueous_log10, before.aqueous_log10)


def test_warm_resolve_after_a_one_percent_organic_flow_change_equals_a_cold_solve(case_17x100):
    """The organic flow alone up 1 %: 13 % more RE leaves in the loaded organic, a larger
    move of the fronts than the reflux change above."""
    case = reesx.Case(case_17x100)
    case.run()
    case.organic_flow_L_per_h = case.organic_flow_L_per_h * 1.01
    warm = case.run()
    cold = case.run(warm=False)
    assert_same_steady_state(warm, cold)


def test_changed_stage_counts_solve_cold(case_17x100):
    case = reesx.Case(case_17x100)
    case.run()
    case.stages = {"extraction": 52}
    changed = case.run()
    cold = case.run(warm=False)
    assert changed.iterations == cold.iterations
    assert_same_steady_state(changed, cold)
    assert len(changed.stage) == 102


def test_run_with_previous_result(case_17x100):
    first = reesx.run(case_17x100)
    changed = reesx.Case(case_17x100)
    s, w = changed.reflux
    changed.set_reflux(S=1.01 * s, W=w + 0.01 * s)
    changed = changed.to_dict()
    warm = reesx.run(changed, previous=first)
    cold = reesx.run(changed)
    assert warm.iterations < cold.iterations
    assert_same_steady_state(warm, cold)
