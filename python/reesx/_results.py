"""Result objects: numpy arrays for profiles and series, pandas tables, the JSON summary."""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import _fronts, _plots


def _pandas():
    import pandas  # imported on first use: `import reesx` stays fast

    return pandas


class _Result:
    """Common to every result: `summary` (the command line's --json, as a dict) and text."""

    def __init__(self, out):
        self._out = out

    @cached_property
    def summary(self):
        """The JSON summary of the command line (`reesx ... --json`) as Python values."""
        return self._out.summary()

    def to_dict(self):
        return self.summary

    def __str__(self):
        return self._out.text()

    def _table(self, table, tables):
        if table not in tables:
            raise ValueError(f"unknown table {table!r}: one of {', '.join(tables)}")
        return tables[table]()


@dataclass(frozen=True)
class Product:
    """A stream leaving the cascade; arrays follow `elements`."""

    name: str
    phase: str
    stage: int
    flow_L_per_h: float
    re_mol_per_h: float
    elements: list
    mol_per_h: np.ndarray
    composition: np.ndarray  # RE mole fractions
    recovery: np.ndarray  # fraction of each element's feed leaving here
    main_element: str
    purity: float


class RunResult(_Result):
    """Steady state of one cascade. Profiles are stages × elements arrays (stage 1 first)."""

    def __str__(self):
        return self._out.text(False)

    def text(self, stages=False):
        """The command line's tables; with `stages` the stage-by-stage profile too."""
        return self._out.text(stages)

    @cached_property
    def elements(self):
        return self._out.elements

    @cached_property
    def stage(self):
        return np.arange(1, len(self.sections) + 1)

    @cached_property
    def sections(self):
        return self._out.sections

    @cached_property
    def stage_counts(self):
        """(extraction, scrub, strip)."""
        return self._out.stage_counts

    @cached_property
    def aqueous_mol_per_L(self):
        return self._out.aqueous_mol_per_L

    @cached_property
    def organic_mol_per_L(self):
        return self._out.organic_mol_per_L

    @cached_property
    def aqueous_log10(self):
        """log10 mol/L, finite where the mol/L arrays underflow to 0."""
        return self._out.aqueous_log10

    @cached_property
    def organic_log10(self):
        return self._out.organic_log10

    @cached_property
    def aqueous_flow_L_per_h(self):
        """Aqueous flow leaving each stage."""
        return self._out.aqueous_flow_L_per_h

    @cached_property
    def organic_flow_L_per_h(self):
        return self._out.organic_flow_L_per_h

    @cached_property
    def profiles(self):
        """Extra per-stage profiles of the acidity models (pH, h_mol_per_L, ...) by name."""
        values = self._out.profiles
        return {name: values[:, k] for k, name in enumerate(self._out.profile_names)}

    @cached_property
    def products(self):
        """Products by name (raffinate, loaded_organic, strip_liquor, draws)."""
        return {p["name"]: Product(elements=self.elements, **p) for p in self._out.products}

    @cached_property
    def recovery(self):
        """products × elements: fraction of each element's feed leaving in each product."""
        return np.array([p.recovery for p in self.products.values()])

    @cached_property
    def feed_mol_per_h(self):
        return self._out.feed_mol_per_h

    @property
    def reflux(self):
        """(S, W) in mol RE per mol feed RE (saturated-organic models), else None."""
        return self._out.reflux

    @property
    def converged(self):
        return self._out.converged

    @property
    def iterations(self):
        return self._out.iterations

    @property
    def solve_seconds(self):
        """The Newton solve's time (the JSON's solver.seconds)."""
        return self._out.solve_seconds

    @property
    def core_seconds(self):
        """Parse, set-up and solve in C++, the Python layer excluded (wall time)."""
        return self._out.core_seconds

    @property
    def mass_balance_relative_error(self):
        return self._out.mass_balance_relative_error

    @property
    def warnings(self):
        return self._out.warnings

    def write_hdf5(self, path):
        """The HDF5 result file of `reesx run -o`."""
        self._out.write_hdf5(str(path))

    def plot_profiles(self, phase="aqueous", ax=None):
        """Every element's concentration against stage, log scale, sections marked."""
        return _plots.profiles(self, phase, ax)

    def to_dataframe(self, table="stages"):
        """'stages': one row per stage (flows L/h, concentrations mol/L, extra profiles);
        'products': one row per product (flow, RE flow, purity, mole fractions);
        'recovery': products × elements, fraction of each element's feed."""
        return self._table(
            table,
            {
                "stages": self._stages_frame,
                "products": self._products_frame,
                "recovery": self._recovery_frame,
            },
        )

    def _stages_frame(self):
        pd = _pandas()
        columns = {
            "section": self.sections,
            "aqueous_flow_L_per_h": self.aqueous_flow_L_per_h,
            "organic_flow_L_per_h": self.organic_flow_L_per_h,
        }
        for phase, values in (
            ("aqueous", self.aqueous_mol_per_L),
            ("organic", self.organic_mol_per_L),
        ):
            for k, element in enumerate(self.elements):
                columns[f"{phase}_{element}_mol_per_L"] = values[:, k]
        columns.update(self.profiles)
        return pd.DataFrame(columns, index=pd.Index(self.stage, name="stage"))

    def _products_frame(self):
        pd = _pandas()
        rows = []
        for p in self.products.values():
            row = {
                "phase": p.phase,
                "stage": p.stage,
                "flow_L_per_h": p.flow_L_per_h,
                "re_mol_per_h": p.re_mol_per_h,
                "main_element": p.main_element,
                "purity": p.purity,
            }
            row.update({f"{e}_mole_fraction": x for e, x in zip(self.elements, p.composition)})
            rows.append(row)
        return pd.DataFrame(rows, index=pd.Index(list(self.products), name="product"))

    def _recovery_frame(self):
        pd = _pandas()
        return pd.DataFrame(
            self.recovery,
            columns=pd.Index(self.elements, name="element"),
            index=pd.Index(list(self.products), name="product"),
        )


class PlantResult(_Result):
    """Steady state of a plant file (several cascades and streams)."""

    def __str__(self):
        return self._out.text(False)

    def dot(self):
        """The plant diagram (cascades, streams, products) in Graphviz DOT, as `reesx run
        PLANT.yaml --dot`."""
        return self._out.dot()

    def to_dataframe(self, table="products"):
        """'products': the plant's products; 'streams': the streams between cascades."""
        pd = _pandas()
        s = self.summary
        return self._table(
            table,
            {
                "products": lambda: pd.DataFrame.from_dict(
                    s["products"], orient="index"
                ).rename_axis("product"),
                "streams": lambda: pd.DataFrame(s["streams"]),
            },
        )


class DesignResult(_Result):
    """A cascade sized for a purity target; `case` reproduces it with `reesx.run`."""

    @cached_property
    def case_yaml(self):
        return self._out.case_yaml

    @property
    def case(self):
        from ._case import Case

        return Case.from_yaml(self.case_yaml, name="<design>")

    @property
    def stages(self):
        return self.summary["stages"]

    @property
    def reflux(self):
        return self.summary["reflux"]

    @property
    def uncertainty(self):
        """With `design(..., uncertainty=N)`: the samples' P10/P50/P90 (stages, S, W, key
        beta), as `reesx design --uncertainty N --json` writes them; else None."""
        return self.summary.get("uncertainty")

    def plot_tradeoff(self, ax=None):
        """Stages against reflux S (the trade-off table), with S_min and the design."""
        return _plots.tradeoff(self, ax)

    def to_dataframe(self, table="tradeoff"):
        """'tradeoff': stages against reflux (S/S_min, S, W, stages by section)."""
        pd = _pandas()
        return self._table(
            table, {"tradeoff": lambda: pd.DataFrame(self.summary.get("tradeoff", []))}
        )


class SeparateResult(_Result):
    """A whole plant designed to separate every element of a feed."""

    def plant_yaml(self):
        """The plant as a plant file (`reesx run` solves it)."""
        return self._out.plant_yaml()

    def dot(self):
        """The plant diagram in Graphviz DOT."""
        return self._out.dot()

    def to_dataframe(self, table="cascades"):
        """'cascades': one row per cascade; 'products': one row per product."""
        pd = _pandas()
        return self._table(
            table,
            {
                "cascades": lambda: pd.json_normalize(self.summary["cascades"]),
                "products": lambda: pd.DataFrame(self.summary["products"]),
            },
        )


class DynamicResult(_Result):
    """The cascade in time: product purities and flows, inventories, final profiles."""

    @cached_property
    def elements(self):
        return self._out.elements

    @cached_property
    def times_h(self):
        return self._out.times_h

    @cached_property
    def products(self):
        """By name: {'main_element', 'purity' (array over times_h), 're_mol_per_h',
        'time_to_target_h'}."""
        return {p["name"]: p for p in self._out.products}

    @cached_property
    def inventory_mol(self):
        """times × elements: each element's inventory in the cascade."""
        return self._out.inventory_mol

    @cached_property
    def aqueous_mol_per_L(self):
        """Final mixer concentrations, stages × elements."""
        return self._out.aqueous_mol_per_L

    @cached_property
    def organic_mol_per_L(self):
        return self._out.organic_mol_per_L

    def write_hdf5(self, path):
        self._out.write_hdf5(str(path))

    def plot_startup(self, products=None, ax=None):
        """Product purities against time with the target purity and the times to target."""
        return _plots.startup(self, products, ax)

    def to_dataframe(self, table="products"):
        """'products': purity and RE flow of every product against time (h);
        'inventory': each element's inventory (mol) against time."""
        pd = _pandas()
        index = pd.Index(self.times_h, name="time_h")

        def products():
            columns = {}
            for name, p in self.products.items():
                columns[f"{name}_purity"] = p["purity"]
                columns[f"{name}_re_mol_per_h"] = p["re_mol_per_h"]
            return pd.DataFrame(columns, index=index)

        def inventory():
            return pd.DataFrame(
                self.inventory_mol, index=index, columns=[f"{e}_mol" for e in self.elements]
            )

        return self._table(table, {"products": products, "inventory": inventory})


class _WithFronts:
    """The Pareto fronts of an optimize result (its summary's `pareto`)."""

    @cached_property
    def fronts(self):
        """{name: DataFrame} of the Pareto fronts computed ('purity', 'recovery',
        'capital_operating'; those not asked are absent)."""
        return _fronts.from_summary(self.summary)

    def plot_front(self, front="purity", ax=None):
        """A Pareto front: USD/kg against purity or recovery (the optimum and the default
        design), or operating against capital cost ('capital_operating')."""
        return _plots.front(self.fronts.get(front), front, ax, _fronts.country(self.summary))

    def _front_tables(self):
        def front(name):
            if name not in self.fronts:
                raise ValueError(f"the result has no {name} front: ask for it when optimizing")
            return self.fronts[name]

        return {name: (lambda name=name: front(name)) for name in _fronts.FRONTS}


class PlantOptimizeResult(_WithFronts, _Result):
    """The cost-optimal whole plant per country, beside separate's default plant priced alike."""

    @property
    def countries(self):
        return self.summary["country_order"]

    def optimum(self, country=None):
        """The optimal plant of a country (default: the first): sequence, cascades, products,
        costs."""
        return self.summary["countries"][country or self.countries[0]]["optimum"]

    def to_dataframe(self, table="products"):
        """'products': each product's USD/kg at the optimum, by country (rows: products);
        'countries': the optimum's and the baseline's USD/kg, the saving and the gap to the
        reference country split into prices and design; 'purity', 'recovery',
        'capital_operating': the fronts of cost against the purity and the recovery of every
        product and of capital against operating cost (optimize_plant(..., pareto=...,
        pareto_recovery=..., pareto_capital=N)), as OptimizeResult's."""
        pd = _pandas()
        s = self.summary

        def products():
            return pd.DataFrame(
                {
                    code: {
                        p["name"]: p["cost_usd_per_kg"]
                        for p in s["countries"][code]["optimum"]["products"]
                    }
                    for code in self.countries
                }
            )

        def countries():
            rows = {}
            for code in self.countries:
                c, g = s["countries"][code], s["comparison"][code]
                rows[code] = {
                    "cost_usd_per_kg": c["cost_usd_per_kg"],
                    "baseline_cost_usd_per_kg": c["baseline"]["cost_usd_per_kg"],
                    "saving_fraction": c["saving_fraction"],
                    "stages": c["optimum"]["total_stages"],
                    "gap_usd_per_kg": g["gap_usd_per_kg"],
                    "prices_usd_per_kg": g["prices_usd_per_kg"],
                    "design_usd_per_kg": g["design_usd_per_kg"],
                }
            return pd.DataFrame.from_dict(rows, orient="index")

        return self._table(
            table, {"products": products, "countries": countries, **self._front_tables()}
        )


class OptimizeResult(_WithFronts, _Result):
    """The cost-optimal cascade per country, beside design's default priced alike."""

    @property
    def countries(self):
        return self.summary["country_order"]

    def optimum(self, country=None):
        """The optimal design of a country (default: the first): stages, reflux, costs."""
        return self.summary["countries"][country or self.countries[0]]["optimum"]

    def to_dataframe(self, table="countries"):
        """'countries': the optimum and the baseline (S/S_min, stages, USD/kg) and the gap to
        the reference country split into prices and design, by country; 'purity', 'recovery',
        'capital_operating': a Pareto front, one row per point (target, S_over_S_min, stages,
        capex_usd, opex_usd_per_year, cost_usd_per_kg, baseline_cost_usd_per_kg,
        meets_targets)."""
        pd = _pandas()
        s = self.summary

        def countries():
            rows = {}
            for code in self.countries:
                c, g = s["countries"][code], s["comparison"][code]
                rows[code] = {
                    "S_over_S_min": c["optimum"]["reflux"]["S_over_S_min"],
                    "stages": c["optimum"]["stages"]["total"],
                    "cost_usd_per_kg": c["optimum"]["cost_usd_per_kg"],
                    "baseline_S_over_S_min": c["baseline"]["reflux"]["S_over_S_min"],
                    "baseline_stages": c["baseline"]["stages"]["total"],
                    "baseline_cost_usd_per_kg": c["baseline"]["cost_usd_per_kg"],
                    "gap_usd_per_kg": g["gap_usd_per_kg"],
                    "prices_usd_per_kg": g["prices_usd_per_kg"],
                    "design_usd_per_kg": g["design_usd_per_kg"],
                }
            return pd.DataFrame.from_dict(rows, orient="index").rename_axis("country")

        return self._table(table, {"countries": countries, **self._front_tables()})


class CostResult(_Result):
    """Capital, operating cost, energy and CO2 per country (first = reference)."""

    @property
    def countries(self):
        return self.summary["country_order"]

    @cached_property
    def monte_carlo_cost_usd_per_kg(self):
        """samples × countries: USD per kg REO fed of every Monte Carlo sample (NaN: failed)."""
        return self._out.monte_carlo_cost_usd_per_kg

    def plot_costs(self, ax=None):
        """The operating cost by item (stacked) for every country."""
        return _plots.costs(self, ax)

    def plot_tornado(self, country=None, ax=None):
        """The sensitivity bars of a country (default: the first) about its base USD per kg."""
        return _plots.tornado(self, country, ax)

    def plot_monte_carlo(self, bins=30, ax=None):
        """Histogram of the Monte Carlo USD per kg of every country."""
        return _plots.monte_carlo(self, bins, ax)

    def to_dataframe(self, table="countries"):
        """'countries': capex, opex, USD/kg, kWh/kg, kg CO2/kg (per kg REO fed) by country;
        'opex': the operating cost by item (USD/year); 'tornado': the sensitivity bars;
        'monte_carlo': percentiles of USD/kg by country."""
        pd = _pandas()
        s = self.summary

        def countries():
            rows = {
                code: {
                    "name": c["name"],
                    "capex_usd": c["capex_usd"],
                    "opex_usd_per_year": c["opex_usd_per_year"],
                    "cost_usd_per_kg": c["cost_usd_per_kg"]["reo_fed"],
                    "energy_kwh_per_kg": c["energy_kwh_per_kg"]["reo_fed"],
                    "co2_kg_per_kg": c["co2_kg_per_kg"]["reo_fed"],
                }
                for code, c in ((k, s["countries"][k]) for k in self.countries)
            }
            return pd.DataFrame.from_dict(rows, orient="index").rename_axis("country")

        def opex():
            return pd.DataFrame(
                {k: s["countries"][k]["opex_breakdown_usd_per_year"] for k in self.countries}
            ).T.rename_axis("country")

        def tornado():
            rows = [
                dict(country=k, **bar)
                for k in self.countries
                for bar in s["countries"][k].get("sensitivity", [])
            ]
            return pd.DataFrame(rows)

        def monte_carlo():
            mc = s.get("monte_carlo", {"countries": {}})["countries"]
            return pd.DataFrame({k: mc[k]["cost_usd_per_kg"] for k in mc}).T.rename_axis("country")

        return self._table(
            table,
            {"countries": countries, "opex": opex, "tornado": tornado, "monte_carlo": monte_carlo},
        )


class ValidationResult(_Result):
    """Every validation comparison: published, computed, difference, tolerance, status."""

    @property
    def ok(self):
        """True when every evaluated comparison passed (as exit code 0 of `reesx validate`)."""
        return self._out.ok

    def to_dataframe(self):
        return _pandas().DataFrame(self.summary["cases"])


class FitResult(_Result):
    """A fit of equilibrium parameters to batch data (`reesx fit`): `summary` is the
    `--json` summary, `parameters` and `residuals` DataFrames, `covariance` and
    `correlation` numpy arrays (rows and columns follow `parameters`), and the fitted system
    file as text (`system_yaml`) or written atomically (`write_system`)."""

    def __init__(self, out, inputs):
        super().__init__(out)
        self._inputs = inputs

    @cached_property
    def summary(self):
        """The JSON summary of `reesx fit --json` (its `input.output` is empty: nothing was
        written when the fit ran)."""
        from . import _core

        summary = self._out.summary()
        summary["reesx_version"] = _core.__version__
        summary["input"] = dict(self._inputs, output="")
        return summary

    @property
    def converged(self):
        return bool(self.summary["converged"])

    @property
    def covariance(self):
        return self._out.covariance

    @property
    def correlation(self):
        return self._out.correlation

    @property
    def parameters(self):
        """One row per fitted parameter: name, element, estimate, standard_error, at_bound."""
        return _pandas().DataFrame(self.summary["parameters"]).set_index("name")

    @property
    def residuals(self):
        """One row per data point: test, source, line, column, element, observed and fitted
        log10 D, residual, studentized residual, outlier."""
        return _pandas().DataFrame(self.summary["residuals"])

    @property
    def outliers(self):
        return _pandas().DataFrame(self.summary["outliers"])

    @property
    def warnings(self):
        return list(self.summary["warnings"])

    def system_yaml(self, name=None):
        """The fitted system file (`reesx fit -o`), named `name` (default BASE-fit)."""
        return self._out.system_yaml(name or "")

    def write_system(self, path, name=None):
        """Writes the fitted system file atomically; `reesx.design(system=path, ...)` reads it."""
        import os

        self._out.write_system(os.fspath(path), name or "")
        return path
