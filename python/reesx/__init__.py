"""reesx: rare-earth solvent-extraction cascades, with the C++ core doing the work.

    import reesx
    case = reesx.Case("examples/prnd-p507.yaml")
    result = case.run()                      # steady state: profiles, products, recoveries
    result.to_dataframe("products")
    case.set_reflux(S=4.2); case.run()       # re-solved from the previous steady state
    reesx.sweep(case, {"S": [4.0, 4.1, 4.2]})  # DataFrame of the points (threads, Dask, ...)

Every function releases the GIL while it solves; errors raise InputError (bad input,
located in the file), InfeasibleError or ConvergenceError (no solution), all reesx.Error.
"""

from ._core import (
    ConvergenceError,
    Error,
    InfeasibleError,
    InputError,
    NoSolutionError,
    __version__,
)
from ._case import Case
from ._results import (
    CostResult,
    DesignResult,
    DynamicResult,
    FitResult,
    OptimizeResult,
    PlantOptimizeResult,
    PlantResult,
    Product,
    RunResult,
    SeparateResult,
    ValidationResult,
)
from ._api import (
    cost,
    countries,
    design,
    dynamic,
    elements,
    feeds,
    fit,
    optimize,
    optimize_plant,
    run,
    separate,
    systems,
    validate,
)
from ._sweep import points as sweep_points, sweep


def report(path, output=None):
    """The self-contained HTML report of a case, plant or design file (`reesx report`): the
    text, also written to `output` when given. Imports matplotlib on first use."""
    from ._report import report as write

    return write(path, output)


__all__ = [
    "Case",
    "run",
    "design",
    "separate",
    "dynamic",
    "cost",
    "optimize",
    "optimize_plant",
    "validate",
    "fit",
    "sweep",
    "sweep_points",
    "report",
    "elements",
    "systems",
    "feeds",
    "countries",
    "RunResult",
    "PlantResult",
    "DesignResult",
    "SeparateResult",
    "DynamicResult",
    "CostResult",
    "ValidationResult",
    "FitResult",
    "Product",
    "Error",
    "InputError",
    "NoSolutionError",
    "InfeasibleError",
    "ConvergenceError",
    "__version__",
]

for _error in (Error, InputError, NoSolutionError, InfeasibleError, ConvergenceError):
    _error.__module__ = __name__  # tracebacks name reesx.InputError, not reesx._core.InputError
del _error
