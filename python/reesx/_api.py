"""The command line's commands as functions."""

from . import _core
from ._case import Case, _document
from ._results import (
    CostResult,
    DesignResult,
    DynamicResult,
    FitResult,
    OptimizeResult,
    PlantOptimizeResult,
    PlantResult,
    RunResult,
    SeparateResult,
    ValidationResult,
)


def _options_document(source, options, command):
    """A design or separate document from a file/YAML/dict, or from keyword options named as
    the file's keys (feed_rate for feed-rate)."""
    if source is not None and options:
        raise _core.InputError(
            f"give the {command} either as a file, text or dict, or as options, not both"
        )
    if source is None:
        return _core.Document.from_python(
            {k.replace("_", "-"): v for k, v in options.items()}, "<options>"
        )
    return _document(source)


def run(case, *, previous=None):
    """Steady state of a case or plant (a Case, file path, YAML text or dict): RunResult,
    or PlantResult for a plant file. `previous` (a RunResult of the same stages and
    elements) is the warm start; Case.run() does that by itself."""
    if isinstance(case, Case):
        if previous is None:
            return case.run()
        case = case._doc
    out = _core.run(_document(case), previous._out if previous is not None else None)
    return PlantResult(out) if isinstance(out, _core.PlantOutput) else RunResult(out)


def design(spec=None, *, uncertainty=0, seed=1, threads=0, **options):
    """Sizes a cascade for a purity target (`reesx design`): a design file path, YAML text,
    dict, or the options (system=, feed=, split=, purity=, feed_rate=, ...).

    `uncertainty=N` also sizes N samples of the system's values (`--uncertainty N`: the fit's
    covariance, else the values' ranges), seeded by `seed`, on `threads` threads (0: all
    cores); the result's `uncertainty` (and `summary["uncertainty"]`) then holds P10/P50/P90
    of the stages, reflux and key beta as `reesx design --uncertainty N --json` writes them."""
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise _core.InputError(f"seed: expected a whole number >= 0, found {seed!r}")
    return DesignResult(
        _core.design(
            _options_document(spec, options, "design"),
            uncertainty=_count("uncertainty", uncertainty, 1, 1000000),
            seed=int(seed),
            threads=_count("threads", threads, 1, 1024),
        )
    )


def _countries(countries):
    """Countries as a list, from a list, "CN-NM,US" (the command line's form) or None."""
    if isinstance(countries, str):
        return [c.strip() for c in countries.split(",") if c.strip()]
    return list(countries or [])


def _fractions(name, values):
    """A list of fractions from a list or "0.99,0.999" (the command line's form)."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in (t.strip() for t in values.split(",")) if v]
    try:
        return [float(v) for v in values]
    except (TypeError, ValueError):
        raise _core.InputError(
            f'{name}: expected fractions such as [0.99, 0.999] or "0.99,0.999", '
            f"found {values!r}"
        ) from None


def _count(name, value, lowest, highest):
    """A whole number in [lowest, highest], or 0 (not asked)."""
    if value is None or (not isinstance(value, str) and value == 0):
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or not lowest <= value <= highest:
        raise _core.InputError(
            f"{name}: expected a whole number from {lowest} to {highest}, found {value!r}"
        )
    return int(value)


def _robust_args(robust, percentile, robust_radius, seed):
    """robust=N (0: none) and its percentile, checked as the command line checks them."""
    robust = _count("robust", robust, 2, 100000)
    if percentile is not None:
        if not robust:
            raise _core.InputError("percentile sets the objective of robust=N: give robust too")
        if not 0.0 <= float(percentile) <= 100.0:
            raise _core.InputError(f"percentile: expected 0 to 100, found {percentile!r}")
        percentile = float(percentile)
    if isinstance(robust_radius, bool) or robust_radius not in range(0, 21):
        raise _core.InputError(
            f"robust_radius: expected a whole number from 0 to 20, found {robust_radius!r}"
        )
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise _core.InputError(f"seed: expected a whole number >= 0, found {seed!r}")
    return robust, percentile


def optimize(
    spec=None,
    countries=None,
    *,
    threads=0,
    pareto=None,
    pareto_recovery=None,
    pareto_capital=0,
    robust=0,
    percentile=None,
    seed=1,
    robust_radius=2,
    robust_reflux="retuned",
    uncertainty=0,
    fixed_extraction=False,
    **options,
):
    """The cost-optimal cascade for a cut per country (`reesx optimize`): a design file path,
    YAML text, dict, or design's options; countries as a list or "CN-NM,US" (default: the first
    country of the cost data). As the command's options, for the first country: `pareto`
    (purities), `pareto_recovery` (recoveries; each a list or "0.99,0.999"), `pareto_capital`
    (N refluxes), `robust` (N samples; every country, the same samples) with `percentile`
    (0-100; default: the mean), `robust_radius` and `robust_reflux` ("retuned", or "fixed":
    one reflux held in every sample), and `uncertainty` (N samples of the system); `seed` for
    both samplings; `fixed_extraction` keeps design's scrub and strip acid, saponification and
    extractant concentration. The summary is `reesx optimize --json`'s."""
    countries = _countries(countries)
    robust, percentile = _robust_args(robust, percentile, robust_radius, seed)
    if robust_reflux not in ("retuned", "fixed"):
        raise _core.InputError(
            f"robust_reflux: expected 'retuned' or 'fixed', found {robust_reflux!r}"
        )
    if robust_reflux != "retuned" and not robust:
        raise _core.InputError("robust_reflux sets how robust=N runs its designs: give robust too")
    return OptimizeResult(
        _core.optimize(
            _options_document(spec, options, "design"),
            countries,
            int(threads),
            pareto=_fractions("pareto", pareto),
            pareto_recovery=_fractions("pareto_recovery", pareto_recovery),
            pareto_capital=_count("pareto_capital", pareto_capital, 2, 200),
            robust=robust,
            percentile=percentile,
            seed=int(seed),
            robust_radius=int(robust_radius),
            uncertainty=_count("uncertainty", uncertainty, 1, 1000000),
            extraction_side=not fixed_extraction,
            robust_fixed_reflux=robust_reflux == "fixed",
        )
    )


def optimize_plant(
    spec=None,
    countries=None,
    *,
    threads=0,
    scenario=None,
    fixed_extraction=False,
    pareto=None,
    purity_budget="chosen",
    pareto_recovery=None,
    pareto_capital=0,
    robust=0,
    percentile=None,
    seed=1,
    robust_radius=2,
    **options,
):
    """The cost-optimal whole plant per country (`reesx optimize --plant`): a separate file
    path, YAML text, dict, or separate's options (system=, feed=, purity=, feed_rate=,
    lump_below=); countries as a list or "CN-NM,US" (default: the first country of the cost
    data); `fixed_extraction` keeps design's scrub and strip acid and saponification; `pareto`:
    purities (a list or "0.99,0.999") at which the first country's plant is optimized again,
    the front of cost against the purity of every product; `purity_budget`: "chosen"
    (default) shares each product's impurity allowance between the two cuts around it by the
    short-cut cost, "half" gives each half (`--purity-budget`); `pareto_recovery`: recoveries
    at which the plant is optimized again with every product at least at that recovery;
    `pareto_capital`: N plants optimized with the capital charge weighted 1/4 to 4, the front
    of capital against operating cost (`--pareto-recovery`, `--pareto-capital`); `robust`: N
    samples of the robust plant of every country (each cascade's stages chosen, its reflux
    retuned per sample) with `percentile`, `seed` and `robust_radius` (`--robust`)."""
    countries = _countries(countries)
    robust, percentile = _robust_args(robust, percentile, robust_radius, seed)
    return PlantOptimizeResult(
        _core.optimize_plant(
            _options_document(spec, options, "separate"),
            countries,
            int(threads),
            scenario or "",
            not fixed_extraction,
            pareto=_fractions("pareto", pareto),
            purity_budget=purity_budget,
            pareto_recovery=_fractions("pareto_recovery", pareto_recovery),
            pareto_capital=_count("pareto_capital", pareto_capital, 2, 200),
            robust=robust,
            seed=int(seed),
            percentile=percentile,
            robust_radius=int(robust_radius),
        )
    )


def separate(spec=None, **options):
    """Designs a plant that separates every element of a feed (`reesx separate`)."""
    return SeparateResult(_core.separate(_options_document(spec, options, "separate")))


def dynamic(case, hours=None):
    """The cascade in time (`reesx dynamic`); `hours` overrides the case's dynamic.hours."""
    return DynamicResult(_core.dynamic(_document(case), hours))


def cost(
    case,
    countries=None,
    *,
    scenario=None,
    sensitivity=False,
    monte_carlo=0,
    seed=1,
    threads=0,
    resimulate=True,
    executor=None,
    workers=None,
    chunk_size=None,
):
    """Costs per country (`reesx cost`): countries as a list or "CN-NM,US" (default: the
    case's cost.countries); `sensitivity` adds the tornado, `monte_carlo` samples of every
    range (re-simulating the separation factors unless `resimulate` is False).

    The Monte Carlo runs on `threads` of this process, or, given an `executor` ("threads",
    "processes", a concurrent.futures executor or a dask.distributed.Client, as for
    reesx.sweep), in chunks of `chunk_size` samples (default: 16 chunks) spread over it:
    sample i is drawn from (seed, i) wherever it runs, so the samples and every percentile
    are those of one run."""
    countries = _countries(countries)
    document = _document(case)
    arguments = (countries, scenario or "", sensitivity)
    if executor is not None and int(monte_carlo) > 0:
        from ._montecarlo import cost_in_chunks

        return CostResult(
            cost_in_chunks(
                document,
                *arguments,
                int(monte_carlo),
                int(seed),
                resimulate,
                executor,
                workers,
                chunk_size,
            )
        )
    return CostResult(
        _core.cost(document, *arguments, int(monte_carlo), int(seed), int(threads), resimulate, 0)
    )


def validate(cases=None, only=(), strict=False):
    """Runs the validation cases (built-in, or the case folders under `cases`). `.ok` is
    false on a failing comparison; with `strict`, also on a documented known discrepancy
    (as `reesx validate --strict`)."""
    if isinstance(only, str):
        only = [only]
    return ValidationResult(_core.validate(str(cases or ""), list(only), strict))


def fit(data, model="separation-factor", *, system="p507-hcl", outlier_limit=3.0):
    """Equilibrium parameters fitted to batch data, as `reesx fit` (docs/fit.md).

    `data`: a CSV file (the LLEPE wide layout or the long layout), CSV text (a str with a
    line break), or a pandas DataFrame with the same columns. `model`: separation-factor,
    mass-action or ph-correlation; `system`: the base system (built-in name or system
    file). Bad rows raise InputError at file:line:column (`<DataFrame>` or `<text>` for
    data given in memory)."""
    import os

    if hasattr(data, "to_csv"):
        text, is_text, name = data.to_csv(index=False), True, "<DataFrame>"
    elif isinstance(data, str) and "\n" in data:
        text, is_text, name = data, True, "<text>"
    elif isinstance(data, (str, os.PathLike)):
        text, is_text, name = os.fspath(data), False, os.fspath(data)
    else:
        raise TypeError(
            f"fit: data must be a CSV path, CSV text or a DataFrame, not {type(data).__name__}"
        )
    return FitResult(
        _core.fit(text, is_text, name, str(model), str(system), float(outlier_limit)),
        {
            "data": name,
            "model": str(model),
            "system": str(system),
            "outlier_limit": float(outlier_limit),
        },
    )


def elements():
    """The 17 rare earths (symbol, name, Z, atomic mass, sold oxide) as a DataFrame."""
    import pandas as pd

    return pd.DataFrame(_core.elements()).set_index("symbol")


def systems(name=None):
    """The built-in extraction systems (DataFrame of name and description), or one system
    (a built-in name or a system file) as a dict with every value, range and source."""
    if name is not None:
        return _core.system(str(name))
    import pandas as pd

    rows = [_core.system(n) for n in _core.system_names()]
    return pd.DataFrame(
        [{"name": r["name"], "description": r["description"]} for r in rows]
    ).set_index("name")


def feeds(name=None):
    """The built-in feed library (DataFrame: RE mole fractions by element, description,
    source), or one feed (built-in name or feed file) as a dict."""
    if name is not None:
        return _core.feed(str(name))
    import pandas as pd

    rows = []
    for f in _core.feeds():
        row = {"name": f["name"], "description": f["description"], "source": f["source"]}
        row.update({f"{e}_mole_fraction": x for e, x in f["mole_fraction"].items()})
        rows.append(row)
    return pd.DataFrame(rows).set_index("name").fillna(0.0)


def countries(code=None):
    """The cost data by country (DataFrame: name, currency, inherits), or one region's
    parameters (value, range, unit, year, source, confidence) as a dict; 'global' gives
    the plant-wide parameters."""
    data = _core.countries()
    if code == "global":
        return data["global_inputs"]
    if code is not None:
        if code not in data["regions"]:
            raise _core.InputError(
                f"unknown country or region '{code}': one of {', '.join(data['country_order'])}"
            )
        return data["regions"][code]
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "code": c,
                "name": data["regions"][c]["name"],
                "currency": data["regions"][c]["currency"],
                "inherits": data["regions"][c]["inherits"],
            }
            for c in data["country_order"]
        ]
    ).set_index("code")
