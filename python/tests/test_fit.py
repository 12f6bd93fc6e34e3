"""reesx.fit: the same fit, summary and system file as `reesx fit`, from a file, CSV text or a
DataFrame, on synthetic batch data generated from known extractabilities."""

import numpy as np
import pytest

import reesx
from conftest import without_timings

# log10 K relative to La (the separation-factor model's reference, held at p507-hcl's 0).
TRUTH = {"La": 0.0, "Ce": 0.35, "Pr": 0.72, "Nd": 0.90}
NOISE_LOG10_D = 0.05


def synthetic_rows(tests=30, seed=11):
    """Long-layout rows: per test a random offset a_t and log10 D = a_t + log10 K + noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(tests):
        offset = rng.uniform(-1.5, 0.0)
        for element, log10_k in TRUTH.items():
            log10_d = offset + log10_k + rng.normal(0.0, NOISE_LOG10_D)
            rows.append(
                {
                    "test": f"t{t + 1}",
                    "source": "lab A" if t % 2 else "lab B",
                    "element": element,
                    "feed_mol_per_L": 0.05,
                    "D": 10.0**log10_d,
                }
            )
    return rows


def to_csv_text(rows):
    header = list(rows[0])
    lines = [",".join(header)]
    lines += [
        ",".join(repr(r[k]) if isinstance(r[k], float) else str(r[k]) for k in header) for r in rows
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def data_file(tmp_path):
    path = tmp_path / "batch.csv"
    path.write_text(to_csv_text(synthetic_rows()))
    return path


def test_recovers_the_extractabilities_within_their_standard_errors(data_file):
    result = reesx.fit(data_file, "separation-factor")
    assert result.converged
    parameters = result.parameters
    fitted = {row.element: row for row in parameters.itertuples()}
    assert set(fitted) == {"Ce", "Pr", "Nd"}  # La is the reference, held
    for element in ("Ce", "Pr", "Nd"):
        row = fitted[element]
        assert 0 < row.standard_error < 0.05
        assert abs(row.estimate - TRUTH[element]) < 3 * row.standard_error
    # s estimates the generated noise.
    assert result.summary["sigma_log10_d"] == pytest.approx(NOISE_LOG10_D, rel=0.3)
    n = len(parameters)
    assert result.covariance.shape == (n, n)
    assert np.allclose(np.diag(result.correlation), 1.0)
    assert np.allclose(np.sqrt(np.diag(result.covariance)), parameters.standard_error)
    residuals = result.residuals
    assert len(residuals) == 4 * 30
    assert np.allclose(residuals.observed_log10_d - residuals.fitted_log10_d, residuals.residual)


def test_summary_equals_cli_json(cli, data_file):
    code, expected, stderr = cli("fit", data_file, "--model", "separation-factor", "-q")
    assert code == 0, stderr
    got = reesx.fit(str(data_file), "separation-factor").summary
    assert without_timings(got) == without_timings(expected)


def test_text_and_dataframe_inputs_give_the_file_fit(data_file):
    import pandas as pd

    from_file = reesx.fit(data_file).parameters
    from_text = reesx.fit(data_file.read_text()).parameters
    from_frame = reesx.fit(pd.read_csv(data_file)).parameters
    assert np.allclose(from_text.estimate, from_file.estimate, rtol=0, atol=1e-12)
    # The DataFrame is written back with pandas' float text: the same to round-off.
    assert np.allclose(from_frame.estimate, from_file.estimate, rtol=0, atol=1e-9)


def test_fitted_system_file_is_read_back(data_file, tmp_path):
    result = reesx.fit(data_file)
    path = result.write_system(tmp_path / "lab.yaml", name="p507-lab")
    system = reesx.systems(str(path))
    assert system["name"] == "p507-lab"
    assert result.system_yaml("p507-lab") == path.read_text()
    values = {e: v["log10_k"] for e, v in system["log10_extractability"].items()}
    for row in result.parameters.itertuples():
        assert values[row.element] == pytest.approx(row.estimate, abs=1e-8)


def test_bad_data_are_located_errors(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("test,element,feed_mol_per_L,D\n1,Nd,0.02,-0.5\n")
    with pytest.raises(reesx.InputError, match=r"bad\.csv:2:11:.*negative"):
        reesx.fit(bad)
    with pytest.raises(reesx.InputError, match=r"<text>:1:1: missing column 'feed_mol_per_L'"):
        reesx.fit("test,element,D\n1,Nd,0.5\n")
    with pytest.raises(reesx.InputError, match=r"<text>:2:.*not in the feed"):
        reesx.fit("test,element,feed_mol_per_L,D\n1,Nd,0,0.5\n")
    with pytest.raises(reesx.InputError, match="separation-factor"):
        reesx.fit(bad, "no-such-model")
    with pytest.raises(reesx.InputError, match="outlier_limit"):
        reesx.fit(bad, outlier_limit=float("nan"))
    with pytest.raises(TypeError, match="CSV path"):
        reesx.fit(42)
