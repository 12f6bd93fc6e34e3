// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The robust optimum of a cut (`reesx optimize --robust N`, docs/optimize.md): the stage
// counts that minimize the expected levelized cost (or a percentile of it) over N samples of
// the system's separation factors and of every cost parameter's range (the data's ranges, as
// `cost --monte-carlo` draws them), every candidate priced on the same samples (common random
// numbers, seeded). Stages are built once; the reflux is an operating variable, so in each
// sample a design runs at the smallest reflux at which its stages meet the targets with that
// sample's separation factors; or, with `fixed_reflux`, at one reflux set at design and held
// in every sample (a plant that cannot retune): the smallest that meets the targets in every
// sample. Several countries are optimized in one run on the same samples (the separation
// factors and the plant-wide parameters common, each country's own parameters drawn in turn),
// each simulation priced in every country.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "reesx/costs/Optimize.h"

namespace reesx::costs {

struct RobustOptions {
    int samples = 0;
    std::uint64_t seed = 1;
    //! Minimize this percentile (0-100) of the cost over the samples instead of its mean.
    std::optional<double> percentile;
    //! Stage pairs searched: the nominal optimum's (n, m) +- radius in each section; while the
    //! best is on the edge of that box, the box moves to it (up to 10 times).
    int radius = 2;
    int threads = 0;  //!< samples at once; 0: every hardware thread
    //! Hold each candidate's reflux at one value in every sample instead of retuning it.
    bool fixed_reflux = false;
    //! The countries whose parameters each sample draws, in order (empty: those optimized),
    //! so that a run pricing fewer countries has the samples of one that prices them all;
    //! every country optimized must be among them.
    std::vector<std::string> sampled_countries;
};

//! A stage pair priced over the samples.
struct RobustCandidate {
    int n = 0, m = 0;
    double objective = 0.0;  //!< mean or percentile, USD/kg; +inf when a sample fails it
    double mean_usd_per_kg = 0.0;
    double mean_s_over_s_min = 0.0;       //!< its mean reflux over the samples / nominal S_min
    int infeasible = 0;                   //!< samples in which no reflux meets the targets
    std::vector<double> cost_usd_per_kg;  //!< per sample (NaN where infeasible)
    //! With a fixed reflux: the reflux held (the largest of the samples' smallest) / S_min.
    double fixed_s_over_s_min = std::numeric_limits<double>::quiet_NaN();
};

struct RobustResult {
    std::string code;
    int samples = 0;
    std::uint64_t seed = 0;
    std::optional<double> percentile;
    bool fixed_reflux = false;
    //! With a fixed reflux: samples in which the nominal optimum, held at its nominal reflux,
    //! misses the targets (what not retuning it would cost in specification); -1 otherwise.
    int nominal_off_spec_samples = -1;
    RobustCandidate nominal;  //!< the nominal optimum's stages over the samples
    RobustCandidate robust;   //!< the stage pair of least objective
    //! In the nominal world (nominal separation factors and prices), each at the smallest
    //! reflux its stages need: what the robust design costs over the nominal one there.
    double nominal_world_nominal_usd_per_kg = 0.0, nominal_world_robust_usd_per_kg = 0.0;
    double robust_s_over_s_min = 0.0;  //!< the robust design's reflux in the nominal world
    std::vector<RobustCandidate> candidates;
    int simulations = 0;
    double seconds = 0.0;
    std::vector<std::string> warnings;
};

//! The robust stage pair of `spec` in country `code` around `nominal` (optimize's result for
//! that country). InputError for fewer than 2 samples or a percentile outside [0, 100].
RobustResult robust_optimum(const DesignSpec& spec, const CostSetup& setup, const std::string& code,
                            const CountryOptimum& nominal, const RobustOptions& options);

//! The robust stage pair of every country of `nominals` (optimize's results, countries in
//! order) in one run: the same samples, every simulation priced in each country, each country
//! searched around its own nominal optimum. The first country's result is robust_optimum's.
std::vector<RobustResult> robust_optima(const DesignSpec& spec, const CostSetup& setup,
                                        const std::vector<CountryOptimum>& nominals,
                                        const RobustOptions& options);

//! Linear interpolation between order statistics of the finite values (0-100); NaN when none.
double percentile_of(std::vector<double> values, double percent);

}  // namespace reesx::costs
