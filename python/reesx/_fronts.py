"""The Pareto fronts of an optimize result as tables, from its JSON summary (`reesx optimize
--json`, `reesx.optimize(...).summary`) or its HDF5 file (`-o optimize.h5`), one layout for
both (docs/interface.md, "optimize"): `purity`, `recovery` and `capital_operating`, each a
pandas DataFrame with one row per point."""

import math

FRONTS = ("purity", "recovery", "capital_operating")

COLUMNS = (
    "target",
    "S_over_S_min",
    "stages",
    "capex_usd",
    "opex_usd_per_year",
    "cost_usd_per_kg",
    "baseline_cost_usd_per_kg",
    "meets_targets",
)


def _pandas():
    import pandas

    return pandas


def _number(value):
    """JSON null (a value that does not apply, e.g. the baseline of a capital point) as NaN."""
    return math.nan if value is None else float(value)


def _row(point):
    stages = point.get("stages", {})
    # The purity front of a cut names its target "purity"; every other front "target".
    target = point["target"] if "target" in point else point.get("purity")
    return {
        "target": _number(target),
        "S_over_S_min": _number(point.get("S_over_S_min")),
        "stages": int(stages["total"]) if isinstance(stages, dict) else int(stages),
        "capex_usd": _number(point.get("capex_usd")),
        "opex_usd_per_year": _number(point.get("opex_usd_per_year")),
        "cost_usd_per_kg": _number(point.get("cost_usd_per_kg")),
        "baseline_cost_usd_per_kg": _number(point.get("baseline_cost_usd_per_kg")),
        "meets_targets": bool(point.get("meets_targets", False)),
    }


def from_summary(summary):
    """{front name: DataFrame} of the fronts a JSON summary holds (none: an empty dict)."""
    pd = _pandas()
    pareto = summary.get("pareto") or {}
    out = {}
    for name in FRONTS:
        points = pareto.get(name)
        if isinstance(points, dict):  # the recovery front names its product beside its points
            points = points.get("points")
        if not points:
            continue
        out[name] = pd.DataFrame([_row(p) for p in points], columns=list(COLUMNS))
    return out


def from_hdf5(group):
    """{front name: DataFrame} of an open HDF5 file's /pareto group (h5py), the same columns
    as from_summary."""
    pd = _pandas()
    out = {}
    if "pareto" not in group:
        return out
    for name in FRONTS:
        if name not in group["pareto"]:
            continue
        g = group["pareto"][name]

        def column(key):
            return [float(v) for v in g[key][()]]

        stages = [int(n) + int(m) for n, m in zip(g["extraction_stages"][()],
                                                  g["scrub_stages"][()])]
        out[name] = pd.DataFrame(
            {
                "target": column("target"),
                "S_over_S_min": column("S_over_S_min"),
                "stages": stages,
                "capex_usd": column("capex_usd"),
                "opex_usd_per_year": column("opex_usd_per_year"),
                "cost_usd_per_kg": column("cost_usd_per_kg"),
                "baseline_cost_usd_per_kg": column("baseline_cost_usd_per_kg"),
                "meets_targets": [bool(v) for v in g["meets_targets"][()]],
            },
            columns=list(COLUMNS),
        )
    return out


def country(summary):
    """The fronts' country (the first of the optimize run)."""
    pareto = summary.get("pareto") or {}
    return pareto.get("country") or (summary.get("country_order") or [""])[0]
