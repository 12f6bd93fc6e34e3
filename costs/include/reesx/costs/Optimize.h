// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The cost-optimal cascade for one cut, country by country (`reesx optimize`, docs/optimize.md):
// the reflux S (hence W) and the extraction and scrub stage counts that minimize the levelized
// cost per kg of product (annualized capital + operating cost) at a country's prices, subject
// to design's purity and recovery targets. Stage counts stay integers throughout: at each trial
// reflux design's own search gives the fewest stages meeting the targets; a bracketed search
// over the reflux finds the cheapest of those; then, because at fixed stages the cost rises with
// the reflux, every stage pair near it is taken at the smallest reflux that still meets the
// targets. The design returned is re-run from a cold start and checked against the targets.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "reesx/costs/CostModel.h"
#include "reesx/flowsheets/Design.h"

namespace reesx::costs {

enum class Objective {
    levelized,  //!< (capital charge + operating cost) / kg REO in the products
};
std::string_view objective_name(Objective o);

struct OptimizeOptions {
    std::vector<std::string> countries;  //!< empty: the first country of the data
    Objective objective = Objective::levelized;
    CostSetup setup;  //!< data and costing options (built-in data by default)
    //! Relative precision of the reflux at the optimum (bisection of the smallest feasible S
    //! of a stage pair; the bracketed search stops at ten times this).
    double reflux_tolerance = 1e-3;
    int threads = 0;  //!< countries costed in parallel; 0: one thread per country
    //! The optimum's scrub and strip acid, saponification and extractant concentration chosen
    //! within their stated ranges (ExtractionSide.h); else design's values.
    bool extraction_side = true;
};

//! A design (stages, reflux) priced in one country.
struct PricedDesign {
    double s = 0.0, w = 0.0;  //!< mol RE per mol feed RE
    double s_over_s_min = 0.0;
    int n = 0, m = 0, strip = 0;  //!< extraction, scrub, strip stages
    double scrub_acid_mol_per_L = 0.0, saponification = 0.0, extractant_mol_per_L = 0.0;
    double strip_acid_mol_per_L = 0.0;
    double purity_a = 0.0, purity_b = 0.0, recovery_a = 0.0, recovery_b = 0.0;
    bool meets_targets = false;  //!< in a cold re-run (as `reesx run` solves its case)
    PlantStreams streams;
    CountryCost cost;
    double cost_usd_per_kg = 0.0;  //!< the objective
    std::string case_yaml;         //!< `reesx run` reproduces it
};

//! One point the search priced: a reflux and the fewest stages meeting the targets there (or,
//! where `edge`, a stage pair at the smallest reflux that meets the targets).
struct SearchPoint {
    double s_over_s_min = 0.0;
    int n = 0, m = 0;
    double cost_usd_per_kg = 0.0;
    bool edge = false;
};

struct CountryOptimum {
    std::string code, name;
    PricedDesign optimum;
    PricedDesign baseline;  //!< `reesx design`'s default design, priced here
    std::vector<SearchPoint> search;
    int simulations = 0;
    double seconds = 0.0;
    std::vector<std::string> warnings;
};

//! The cost gap of a country over the reference country, split into what its prices explain
//! (the reference's optimal design at this country's prices) and what its own optimum saves
//! over that design (never positive).
struct CostGap {
    std::string code;
    double gap_usd_per_kg = 0.0, prices_usd_per_kg = 0.0, design_usd_per_kg = 0.0;
    double ratio = 0.0;  //!< cost / reference cost, both at their optima
};

struct OptimizeResult {
    theory::Targets targets;
    double beta = 0.0, s_min = 0.0, s_opt = 0.0, n_min = 0.0;
    Objective objective = Objective::levelized;
    bool extraction_side = false;           //!< the optima's solutions chosen within their ranges
    std::vector<CountryOptimum> countries;  //!< in the order asked
    std::string reference;                  //!< CN-NM when asked, else the first country
    std::vector<CostGap> gaps;              //!< per country, the reference's own included
    std::vector<std::string> warnings;
    double seconds = 0.0;
};

//! Optimizes the cut of `spec` for every country; InputError for an unknown country or a
//! three-outlet spec, InfeasibleError when the targets cannot be met at any reflux.
//! `progress` (may be empty) receives one line per country, from the calling thread.
OptimizeResult optimize(const DesignSpec& spec, const OptimizeOptions& options,
                        const std::function<void(const std::string&)>& progress = {});

//! What the countries' searches share (Optimize.cpp); thread-safe.
struct OptimizeMemo;

//! The optimizer for one country (what `optimize` runs on each thread), from `baseline`,
//! design's default design of `spec`; `memo` (may be null) is shared with other countries'
//! searches of the same spec. Exposed for tests.
CountryOptimum optimize_country(const DesignSpec& spec, const CostSetup& setup,
                                const std::string& code, const DesignResult& baseline,
                                double reflux_tolerance = 1e-3, OptimizeMemo* memo = nullptr);

//! One point of the cost-against-purity front: the optimum at one purity of both products.
struct ParetoPoint {
    double purity = 0.0;
    CountryOptimum optimum;  //!< with its baseline at the same purity
};

//! The cost-optimal design at each purity (both products) in country `code`: the front of
//! cost against purity, and of capital against operating cost along it. InputError when the
//! spec targets a recovery (give purities only) or a purity is not in (0.5, 1).
std::vector<ParetoPoint> pareto_purity(const DesignSpec& spec, const OptimizeOptions& options,
                                       const std::string& code,
                                       const std::vector<double>& purities);

//! A design (s, n, m) of `spec` priced in country `code` by a cold re-run.
PricedDesign price_design(const DesignSpec& spec, const CostSetup& setup, const std::string& code,
                          double s, int n, int m);

//! The objective of a costing: annual cost per kg REO in the products.
double levelized_usd_per_kg(const CountryCost& c);

}  // namespace reesx::costs
