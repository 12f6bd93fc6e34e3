"""The report of an optimize result (`reesx optimize --json FILE` or `-o FILE.h5`, a cut or a
plant): the optimum against design's default by country, the Pareto fronts with their figures,
and the robust optimum (docs/python.md, "Reports")."""

import json
import math
import pathlib

from . import _core, _fronts
from . import _report_figures as figures

HDF5_SUFFIXES = (".h5", ".hdf5")


def is_optimize(document):
    """Whether a loaded JSON document is an optimize summary."""
    return isinstance(document, dict) and str(document.get("command", "")).startswith("optimize")


def load(path):
    """(summary, fronts) of an optimize result file: JSON, or HDF5 (the /pareto datasets and
    the summary kept in the root attribute summary_json)."""
    path = pathlib.Path(path)
    if path.suffix not in HDF5_SUFFIXES:
        try:
            summary = json.loads(path.read_text())
        except OSError as e:
            raise _core.InputError(f"{path}: cannot read the file: {e.strerror}") from None
        except json.JSONDecodeError as e:
            raise _core.InputError(f"{path}:{e.lineno}:{e.colno}: not JSON: {e.msg}") from None
        if not is_optimize(summary):
            raise _core.InputError(
                f"{path}: a JSON file to report must be an optimize result "
                "(reesx optimize --json FILE); its key 'command' is not 'optimize'"
            )
        return summary, _fronts.from_summary(summary)
    try:
        import h5py
    except ImportError:
        raise _core.InputError(
            f"{path}: reading HDF5 needs h5py (Debian: apt-get install python3-h5py), or "
            "report the --json file instead"
        ) from None
    try:
        with h5py.File(path, "r") as f:
            command = _text(f.attrs.get("command", ""))
            if command != "optimize":
                raise _core.InputError(
                    f"{path}: an HDF5 file to report must be an optimize result (reesx optimize "
                    f"-o FILE.h5); its attribute 'command' is {command!r}"
                )
            summary = json.loads(_text(f.attrs["summary_json"])) if "summary_json" in f.attrs \
                else _summary_from_datasets(f)
            return summary, _fronts.from_hdf5(f)
    except OSError as e:
        raise _core.InputError(f"{path}: not an HDF5 file h5py can read: {e}") from None


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _summary_from_datasets(f):
    """What the datasets give when the file has no summary_json (older files): the countries'
    optima and the robust optimum."""
    codes = [_text(c) for c in f["countries"][()]]
    optimum = f["optimum"]
    countries = {}
    for k, code in enumerate(codes):
        countries[code] = {
            "optimum": {
                "cost_usd_per_kg": float(optimum["cost_usd_per_kg"][k]),
                "capex_usd": float(optimum["capex_usd"][k]),
                "opex_usd_per_year": float(optimum["opex_usd_per_year"][k]),
                "reflux": {"S_over_S_min": float(optimum["S_over_S_min"][k])},
                "stages": {"total": int(optimum["extraction_stages"][k])
                           + int(optimum["scrub_stages"][k])},
            }
        }
    summary = {"command": "optimize", "country_order": codes, "countries": countries,
               "reesx_version": _text(f.attrs.get("reesx_version", ""))}
    if "robust_json" in f.attrs:
        summary["robust"] = json.loads(_text(f.attrs["robust_json"]))
    return summary


def _get(mapping, *keys):
    for key in keys:
        if not isinstance(mapping, dict) or key not in mapping:
            return None
        mapping = mapping[key]
    return mapping


def _stages(design):
    if design is None:
        return None
    return design.get("total_stages", _get(design, "stages", "total"))


def _s_over(design):
    return _get(design, "reflux", "S_over_S_min")


FRONT_TITLES = {
    "purity": "Cost against purity",
    "recovery": "Cost against recovery",
    "capital_operating": "Capital against operating cost",
}

FRONT_CAPTIONS = {
    "purity": "The optimum's levelized cost (USD per kg REO) at each purity target, beside "
              "design's default at the same target, priced alike; each further 9 one step right.",
    "recovery": "The optimum's levelized cost at each recovery of the recovery product (its "
                "purity the design's), beside design's default.",
    "capital_operating": "Capital against operating cost of the designs of fewest stages at "
                         "each reflux that no other design beats in both; labels: S/S_min; "
                         "star: least levelized cost.",
}


def _countries(page, s):
    page.h2("Optimum by country")
    order = s.get("country_order", [])
    rows = []
    for code in order:
        c = s["countries"][code]
        optimum, baseline = c.get("optimum", {}), c.get("baseline")
        gap = _get(s, "comparison", code) or {}
        rows.append([code, c.get("name", ""), _s_over(optimum), _stages(optimum),
                     optimum.get("cost_usd_per_kg"), _s_over(baseline), _stages(baseline),
                     None if baseline is None else baseline.get("cost_usd_per_kg"),
                     gap.get("gap_usd_per_kg"), gap.get("prices_usd_per_kg"),
                     gap.get("design_usd_per_kg")])
    page.table(["code", "country", "optimum S/S_min", "optimum stages",
                "optimum (USD/kg REO)", "default S/S_min", "default stages",
                "default (USD/kg REO)", "gap to the reference (USD/kg)", "of which prices",
                "of which design"], rows)
    costs = {code: _get(s, "countries", code, "optimum", "cost_usd_per_kg") for code in order}
    baselines = {code: _get(s, "countries", code, "baseline", "cost_usd_per_kg") for code in order}
    if all(isinstance(v, (int, float)) and math.isfinite(v) for v in costs.values()):
        page.figure("countries", figures.optimum_by_country(costs, baselines),
                    "Levelized cost of the optimum and of design's default (USD per kg REO) "
                    "by country.")


PLANT_FRONT_CAPTIONS = {
    "purity": "The optimized plant's levelized cost (USD per kg REO) at each purity of every "
              "product, beside separate's default plant at the same purity, priced alike.",
    "recovery": "The optimized plant's levelized cost at each recovery asked of every product "
                "(the purity the plant's), beside separate's default plant (which takes no "
                "recovery target).",
    "capital_operating": "Capital against operating cost of the plants optimized with the "
                         "capital charge weighted 1/4 to 4, those no other beats in both; "
                         "star: least levelized cost.",
}


def _front(page, name, table, country, plant=False):
    page.h2(f"{FRONT_TITLES[name]} ({country})")
    captions = PLANT_FRONT_CAPTIONS if plant else FRONT_CAPTIONS
    page.figure(f"front-{name}", figures.front(table, name, country), captions[name])
    target = {"purity": "purity target", "recovery": "recovery target"}.get(name)
    headers = ([target] if target else []) + [
        "S/S_min", "stages", "capital (USD)", "operating (USD/year)", "optimum (USD/kg REO)",
        "design's default (USD/kg REO)", "meets targets"]
    rows = []
    for r in table.itertuples(index=False):
        row = [r.target] if target else []
        rows.append(row + [r.S_over_S_min, r.stages, r.capex_usd, r.opex_usd_per_year,
                           r.cost_usd_per_kg, r.baseline_cost_usd_per_kg, r.meets_targets])
    page.table(headers, rows)


def _robust(page, robust):
    results = robust.get("countries") or {robust.get("country", ""): robust}
    what = (f"P{robust['percentile']:g} of the cost" if robust.get("objective") == "percentile"
            else "expected cost")
    reflux = robust.get("reflux", "retuned")
    page.h2(f"Robust optimum ({what}, {robust.get('samples')} samples, seed "
            f"{robust.get('seed')}, reflux {reflux})")
    fixed = reflux == "fixed"
    rows = []
    for code, r in results.items():
        for which in ("nominal", "robust"):
            c = r[which]
            nominal_world = _get(r, "nominal_world", f"{which}_usd_per_kg")
            rows.append([code, which, _get(c, "stages", "total"), c.get("mean_S_over_S_min"),
                         c.get("objective_usd_per_kg"), c.get("mean_usd_per_kg"),
                         nominal_world, c.get("infeasible_samples")]
                        + ([c.get("fixed_S_over_S_min")] if fixed else []))
    page.table(["country", "design", "stages", "mean S/S_min over the samples",
                "objective (USD/kg)", "mean (USD/kg)", "nominal world (USD/kg)",
                "infeasible samples"] + (["reflux held (S/S_min)"] if fixed else []), rows)
    if fixed:
        page.table(["country", "samples in which the nominal optimum, held at its own reflux, "
                    "misses the targets"],
                   [[code, r.get("nominal_off_spec_samples")] for code, r in results.items()])


def report(page, path, summary, fronts):
    """Fills `page` (reesx._report._Page) with the report of an optimize result."""
    import datetime
    import html

    page.parts.append(f"<h1>{html.escape(page.title)}</h1>")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page.table(["", ""], [["file", str(path)],
                          ["kind", f"reesx {summary.get('command', 'optimize')} result"],
                          ["reesx version", summary.get("reesx_version", _core.__version__)],
                          ["written", now]])
    warnings = list(summary.get("warnings", []))
    robust = summary.get("robust") or {}
    for code, r in (robust.get("countries") or {robust.get("country", ""): robust}).items():
        warnings += [f"robust, {code}: {w}" for w in r.get("warnings", [])]
    page.warnings(warnings)
    page.h2("What was optimized")
    page.table(["", ""], [[k, summary.get(k)] for k in
                          ("mode", "split", "system", "feed", "purity", "objective",
                           "objective_unit", "reference_country")
                          if k in summary]
               + [[f"target {k}", v] for k, v in (summary.get("targets") or {}).items()])
    _countries(page, summary)
    country = _fronts.country(summary)
    for name in _fronts.FRONTS:
        if name in fronts:
            _front(page, name, fronts[name], country, summary.get("mode") == "plant")
    if "robust" in summary:
        _robust(page, summary["robust"])
