"""Case documents built in Python (the tests and python/benchmarks use them)."""

# The 17-element feed of tests/benchmarks/bench_cascade.cpp (Pm at 1e-6: every element live).
FEED_17 = {
    "Sc": 0.0002,
    "Y": 0.012,
    "La": 0.27,
    "Ce": 0.4907,
    "Pr": 0.05,
    "Nd": 0.155,
    "Pm": 0.000001,
    "Sm": 0.012,
    "Eu": 0.002,
    "Gd": 0.005,
    "Tb": 0.0008,
    "Dy": 0.0012,
    "Ho": 0.0003,
    "Er": 0.0004,
    "Tm": 0.0001,
    "Yb": 0.0002,
    "Lu": 0.0001,
}


def pr_nd_17(half_stages, factor, log10_beta):
    """bench_cascade.cpp's Pr/Nd cut of FEED_17: S = factor × S_min of a sharp split,
    S_min = f_A + 1/(beta - 1), W = S - f_A; loading 1 mol/L and 1 L/h of 1 mol/L feed, so
    the organic flow in L/h is S."""
    f_a = 1.0 - 0.27 - 0.4907 - 0.05
    s = factor * (f_a + 1.0 / (10.0**log10_beta - 1.0))
    return {
        "system": "p507-hcl",
        "stages": {"extraction": half_stages, "scrub": half_stages},
        "feed": {"flow": "1 L/h", "concentration": "1 mol/L", "composition": dict(FEED_17)},
        "organic": {"flow": f"{s!r} L/h", "loading": "1 mol/L"},
        "scrub": {"flow": f"{s - f_a!r} L/h", "acid": "3 mol/L"},
        "solver": {"tolerance": 1e-10},
    }


def pr_nd_beta_log10(reesx):
    k = reesx.systems("p507-hcl")["log10_extractability"]
    return k["Nd"]["log10_k"] - k["Pr"]["log10_k"]


def pr_nd_2x20():
    """A small two-element cascade (20 stages) for the calling overhead."""
    return {
        "system": "p507-hcl",
        "stages": {"extraction": 10, "scrub": 10},
        "feed": {
            "flow": "100 L/h",
            "concentration": "1.5 mol/L",
            "composition": {"Pr": 0.25, "Nd": 0.75},
        },
        "organic": {
            "flow": "3410 L/h",
            "extractant-concentration": "1.5 mol/L",
            "saponification": 0.36,
        },
        "scrub": {"flow": "376 L/h", "acid": "4.0 mol/L"},
    }
