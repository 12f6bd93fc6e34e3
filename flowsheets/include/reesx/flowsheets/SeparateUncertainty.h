// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx separate --uncertainty N` (docs/plants.md, "Uncertainty"): the designed plant's
// cascades re-sized for N samples of the system (sample_system, the draws of
// `design --uncertainty`); stage counts and reflux of each cascade and of the plant as
// P10/P50/P90. The sequence of cuts and each cascade's feed are the nominal plant's: a sample
// changes how many stages and how much reflux each cut needs, not which cuts are made.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reesx/flowsheets/DesignUncertainty.h"
#include "reesx/flowsheets/Separate.h"

namespace reesx {

struct CascadeSpread {
    std::string split;
    int nominal_n = 0, nominal_m = 0;
    double nominal_s = 0.0;
    Percentiles extraction_stages, scrub_stages, total_stages, s;
};

struct SeparateUncertainty {
    int samples = 0;
    int failed = 0;  //!< samples in which some cascade's design failed
    std::string basis;
    std::uint64_t seed = 1;
    int threads = 1;
    std::vector<CascadeSpread> cascades;  //!< in the plant's order
    int nominal_total_stages = 0;         //!< extraction + scrub, every cascade
    Percentiles total_stages;
    //! Per successful sample, in sample order: the plant's extraction + scrub stages, and
    //! (with a costing) each metric the costing returns summed over the cascades.
    std::vector<int> total_stage_samples;
    std::vector<std::vector<double>> cost_samples;  //!< [sample][metric]
    std::vector<double> nominal_cost;               //!< [metric], the same costing of the plant
    double seconds = 0.0;
    std::vector<std::string> warnings;
};

//! A costing of one sized cascade (its spec, with the sampled system, and its sizing with the
//! simulation kept): one number per metric (e.g. USD per kg of plant feed per country), summed
//! over the plant's cascades. Called from several threads at once.
using CascadeCosting =
    std::function<std::vector<double>(const DesignSpec& spec, const DesignSizing& sized)>;

//! Samples the spec's system `samples` times (seeded) and re-sizes every cascade of `nominal`
//! (size_design from its nominal design) on `threads` threads; with `costing`, prices each.
SeparateUncertainty separate_uncertainty(const SeparateSpec& spec, const SeparateResult& nominal,
                                         int samples, std::uint64_t seed = 1, int threads = 1,
                                         const CascadeCosting& costing = {});

}  // namespace reesx
