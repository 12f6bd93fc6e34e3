"""Result objects: arrays, DataFrames (shapes, units in the column names), and their
agreement with the JSON summary."""

import numpy as np
import pytest

import reesx
from conftest import EXAMPLES


@pytest.fixture(scope="module")
def bayan_obo():
    return reesx.run(str(EXAMPLES / "bayan-obo-nd-sm.yaml"))


def test_arrays_follow_the_summary(bayan_obo):
    r, s = bayan_obo, bayan_obo.summary
    n, c = len(s["stages"]), len(r.elements)
    assert r.aqueous_mol_per_L.shape == r.organic_mol_per_L.shape == (n, c)
    assert r.stage.tolist() == list(range(1, n + 1))
    for j, stage in enumerate(s["stages"]):
        assert r.sections[j] == stage["section"]
        assert r.aqueous_flow_L_per_h[j] == stage["aqueous_flow_L_per_h"]
        for k, element in enumerate(r.elements):
            assert r.aqueous_mol_per_L[j, k] == stage["aqueous_mol_per_L"][element]
            assert r.organic_mol_per_L[j, k] == stage["organic_mol_per_L"][element]
    for name, p in r.products.items():
        assert p.purity == s["products"][name]["purity"]
        assert dict(zip(r.elements, p.recovery.tolist())) == s["recovery"][name]
    assert r.reflux == (s["reflux"]["S"], s["reflux"]["W"])


def test_stage_table(bayan_obo):
    r = bayan_obo
    n, c = len(r.stage), len(r.elements)
    df = r.to_dataframe()
    assert df.shape == (n, 3 + 2 * c)
    assert df.index.name == "stage"
    assert list(df.columns[:3]) == ["section", "aqueous_flow_L_per_h", "organic_flow_L_per_h"]
    assert all(col.endswith("_mol_per_L") for col in df.columns[3:])
    np.testing.assert_array_equal(
        df[f"organic_{r.elements[0]}_mol_per_L"], r.organic_mol_per_L[:, 0]
    )


def test_product_and_recovery_tables(bayan_obo):
    r = bayan_obo
    products = r.to_dataframe("products")
    assert products.shape == (len(r.products), 6 + len(r.elements))
    assert {"flow_L_per_h", "re_mol_per_h", "purity"} <= set(products.columns)
    # Mole fractions of what a product carries; a product without rare earths (the stripped
    # organic) has none.
    carries = (products["re_mol_per_h"] > 0).to_numpy()
    np.testing.assert_allclose(
        products.filter(like="_mole_fraction").sum(axis=1), carries * 1.0, rtol=1e-12
    )
    recovery = r.to_dataframe("recovery")
    assert recovery.shape == (len(r.products), len(r.elements))
    # Every element's feed leaves in the products: recoveries sum to 1 within the balance error.
    np.testing.assert_allclose(
        recovery.sum(axis=0), 1.0, atol=10 * r.mass_balance_relative_error + 1e-15
    )
    with pytest.raises(ValueError, match="unknown table"):
        r.to_dataframe("nope")


def test_mass_action_profiles():
    r = reesx.run(str(EXAMPLES / "prnd-p507-mass-action.yaml"))
    assert "pH" in r.profiles
    df = r.to_dataframe()
    np.testing.assert_array_equal(df["pH"], [s["pH"] for s in r.summary["stages"]])
    assert r.reflux is None


def test_plant_design_dynamic_and_cost_tables():
    plant = reesx.run(str(EXAMPLES / "plant-scrub-recycle.yaml"))
    assert isinstance(plant, reesx.PlantResult)
    assert len(plant.to_dataframe()) == len(plant.summary["products"])
    dyn = reesx.dynamic(str(EXAMPLES / "prnd-p507-startup.yaml"), hours=50)
    table = dyn.to_dataframe()
    assert table.index.name == "time_h" and len(table) == len(dyn.times_h)
    assert dyn.to_dataframe("inventory").shape == (len(dyn.times_h), len(dyn.elements))
    cost = reesx.cost(str(EXAMPLES / "prnd-p507-cost.yaml"), "CN-NM,US", sensitivity=True)
    countries = cost.to_dataframe()
    assert list(countries.index) == ["CN-NM", "US"]
    assert (
        countries.loc["US", "cost_usd_per_kg"]
        == cost.summary["countries"]["US"]["cost_usd_per_kg"]["reo_fed"]
    )
    assert len(cost.to_dataframe("tornado")) > 0
    assert cost.to_dataframe("opex").shape[0] == 2


def test_hdf5_file(tmp_path, bayan_obo):
    path = tmp_path / "run.h5"
    bayan_obo.write_hdf5(path)
    assert path.stat().st_size > 0
