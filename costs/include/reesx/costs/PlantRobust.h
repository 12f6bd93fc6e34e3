// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The robust plant (`reesx optimize --plant --robust N`, docs/optimize.md "Whole plants"): the
// nominal optimal plant's sequence kept, each cascade's stage pair chosen to minimize the
// plant's expected cost (or a percentile of it) over N samples of the separation factors and
// the cost parameters (common random numbers: the same samples for every cascade, every
// candidate and every country). In each sample every cascade retunes only its reflux (the
// smallest at which its stages meet its cut's targets there, Robust.h), on the feed the
// nominal plant sends it; the plant's cost in a sample is the sum of its cascades' annual
// costs, each priced as `reesx optimize` prices its cut, over the kg REO of the products.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reesx/costs/PlantOptimize.h"
#include "reesx/costs/Robust.h"

namespace reesx::costs {

//! A plant's choice of one stage pair per cascade, over the samples.
struct PlantRobustDesign {
    std::vector<std::pair<int, int>> stages;  //!< (extraction, scrub) per cascade
    double objective = 0.0;                   //!< mean or percentile, USD/kg
    double mean_usd_per_kg = 0.0;
    int infeasible = 0;  //!< samples in which some cascade misses its targets at every reflux
    std::vector<double> cost_usd_per_kg;  //!< per sample (NaN where infeasible)
    //! In the nominal world (nominal separation factors and prices), each cascade at the
    //! smallest reflux its stages need there; NaN when one cannot meet its targets.
    double nominal_world_usd_per_kg = 0.0;
};

struct PlantRobustCascade {
    std::string split;
    double reo_kg_per_year = 0.0;  //!< its products' REO (its weight in the plant's sum)
    RobustResult result;           //!< its candidates over the samples (Robust.h)
    int nominal_n = 0, nominal_m = 0, robust_n = 0, robust_m = 0;
};

struct PlantRobustCountry {
    std::string code;
    PlantRobustDesign nominal;  //!< the nominal optimal plant's stages over the samples
    PlantRobustDesign robust;   //!< the stages of least objective
    std::vector<PlantRobustCascade> cascades;
    //! The nominal plant as `reesx cost PLANT.yaml` prices it: the sum of cut costs books
    //! the wastewater and product finishing of streams that stay in the plant, so it lies
    //! above this; the premium is taken on the sum of cut costs, where both designs are alike.
    double nominal_plant_file_usd_per_kg = 0.0;
    int simulations = 0;
    double seconds = 0.0;
    std::vector<std::string> warnings;
};

struct PlantRobustResult {
    int samples = 0;
    std::uint64_t seed = 0;
    std::optional<double> percentile;
    std::vector<PlantRobustCountry> countries;  //!< in the order of the plant result
};

//! The robust plant of every country of `result` (optimize_plant's, for `spec` and
//! `options`' countries and scenario) with `robust`'s samples, seed, percentile and radius;
//! the samples drawn for all of `result`'s countries in order, as a several-country `cost
//! --monte-carlo` draws them. InputError for a fixed reflux (not for plants) or fewer than 2
//! samples.
PlantRobustResult robust_plant(const SeparateSpec& spec, const PlantOptimizeOptions& options,
                               const PlantOptimizeResult& result, const RobustOptions& robust);

//! The `robust` JSON of a plant (docs/interface.md): the first country's keys (country,
//! samples, seed, objective, percentile, reflux "retuned", basis, nominal, robust, premium,
//! nominal_world, cascades, nominal_plant_file_usd_per_kg, simulations, seconds, warnings) and
//! country_order, countries {code: the same}.
nlohmann::json plant_robust_json(const PlantRobustResult& r);

//! The robust plant's table per country, and its cascades' stages.
std::string format_plant_robust(const PlantRobustResult& r);

}  // namespace reesx::costs
