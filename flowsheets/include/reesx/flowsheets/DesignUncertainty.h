// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx design --uncertainty N` (docs/design.md, "Uncertainty"): the design repeated with N
// samples of the system's separation factors; stage counts and reflux as P10/P50/P90.
// Sampling: sample_system (thermo/SystemSampling.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reesx/flowsheets/Design.h"
#include "reesx/thermo/SystemSampling.h"

namespace reesx {

struct Percentiles {
    double p10 = 0.0, p50 = 0.0, p90 = 0.0;
};
//! P10, P50 and P90 of `v` (linear interpolation between order statistics); zeros if empty.
Percentiles spread_percentiles(std::vector<double> v);

struct DesignUncertainty {
    int samples = 0;
    int failed = 0;     //!< samples whose design failed (targets unreachable, order reversed)
    std::string basis;  //!< what was sampled
    std::uint64_t seed = 1;
    int threads = 1;
    Percentiles extraction_stages, scrub_stages, total_stages;
    Percentiles s, w;      //!< organic RE flux and its aqueous counterpart (mol/mol feed)
    Percentiles beta_key;  //!< beta of the key pair sampled
    double beta_key_nominal = 0.0;
    std::vector<int> total_stage_samples;  //!< per successful sample, in sample order
    long simulations = 0;                  //!< rigorous trial solves of all samples together
    double seconds = 0.0;
    std::vector<std::string> warnings;
};

//! Samples the spec's system `samples` times (seeded) and re-sizes each (size_design: the
//! reflux and fewest stages `design` finds, searched from the nominal design's stages and
//! warm-started from its steady state) on `threads` threads (the samples are drawn first and
//! each starts from the nominal alone, so the result does not depend on the thread count);
//! `nominal` is the design of the unsampled spec (its keys name the pair reported).
DesignUncertainty design_uncertainty(const DesignSpec& spec, const DesignResult& nominal,
                                     int samples, std::uint64_t seed = 1, int threads = 1);

//! The systems of `samples` draws of sample_system from one generator seeded with `seed`, in
//! sample order (what every `--uncertainty` samples: the same seed, the same systems).
std::vector<ExtractionSystem> draw_systems(const ExtractionSystem& system, int samples,
                                           std::uint64_t seed);
//! What `draw_systems` samples, in words (the `basis` of the JSON).
std::string sampling_basis(const ExtractionSystem& system);
//! Runs job(i) for every i in [0, samples) on `threads` threads (clamped to 1..samples), the
//! calling thread one of them; returns the threads used. When jobs throw, the exception of
//! the lowest such i is rethrown after every thread has joined.
int for_each_sample(int samples, int threads, const std::function<void(int)>& job);

}  // namespace reesx
