// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx separate --uncertainty N` (docs/plants.md, "Uncertainty"): the designed plant's
// cascades re-sized for N samples of the system (sample_system, the draws of
// `design --uncertainty`); stage counts and reflux of each cascade and of the plant as
// P10/P50/P90. Each sample's system also chooses its own sequence of cuts (separate's dynamic
// programming over the short-cut costs): the share of samples choosing each sequence is
// reported, and a sample that chooses another sequence than the nominal plant's is designed
// as that plant (a full `separate`); one that keeps it re-sizes the nominal plant's cascades,
// each fed as in the nominal plant.
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

//! A sequence of cuts (SequenceOption::cuts) and how many samples' systems choose it.
struct SequenceShare {
    std::string cuts;
    int samples = 0;
    bool nominal = false;  //!< the nominal plant's
};

struct SeparateUncertainty {
    int samples = 0;
    int failed = 0;  //!< samples in which some cascade's design failed
    std::string basis;
    std::uint64_t seed = 1;
    int threads = 1;
    //! Every sequence some sample chooses, the most chosen first (ties: the nominal first).
    std::vector<SequenceShare> sequences;
    int sequence_changed = 0;  //!< samples choosing another sequence than the nominal plant's
    //! The nominal plant's cascades, in its order, over the samples that keep its sequence
    //! (all of them when the sequence is kept).
    std::vector<CascadeSpread> cascades;
    int nominal_sequence_samples = 0;  //!< successful samples those spreads are of
    int nominal_total_stages = 0;      //!< extraction + scrub, every cascade
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

//! Samples the spec's system `samples` times (seeded) on `threads` threads; a sample that
//! keeps the nominal sequence re-sizes every cascade of `nominal` (size_design from its
//! nominal design), one that chooses another is designed as its own plant (`separate`), or,
//! with `keep_sequence`, also re-sizes the nominal plant (the shares are reported either way).
//! With `costing`, prices each cascade.
SeparateUncertainty separate_uncertainty(const SeparateSpec& spec, const SeparateResult& nominal,
                                         int samples, std::uint64_t seed = 1, int threads = 1,
                                         const CascadeCosting& costing = {},
                                         bool keep_sequence = false);

}  // namespace reesx
