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
    std::vector<int> total_stage_samples;       //!< per successful sample, in sample order
    std::vector<int> extraction_stage_samples;  //!< the same samples' extraction stages
    long simulations = 0;                       //!< rigorous trial solves of all samples together
    double seconds = 0.0;
    std::vector<std::string> warnings;
};

//! Samples sized one after another, each search starting from the last one's (SizingMemory):
//! long enough that the chain's first search, from the nominal design alone, is a small part
//! of its cost; short enough that a thousand samples keep 16 threads busy.
constexpr int sample_chain_length = 32;
//! The samples (indices into `systems`) sorted by the beta of the nominal design's key pair
//! (neighbours need nearly the same stages), cut into chains of `length` (at least 1).
std::vector<std::vector<int>> sample_chains(const std::vector<ExtractionSystem>& systems,
                                            const DesignResult& nominal,
                                            int length = sample_chain_length);

//! Samples the spec's system `samples` times (seeded) and re-sizes each (size_design: the
//! reflux and fewest stages `design` finds) on `threads` threads: the samples are drawn first,
//! then sized chain by chain (sample_chains), each search warm-started from the last sample's
//! trials, each chain's first from the nominal steady state, so the result does not depend on
//! the thread count;
//! `nominal` is the design of the unsampled spec (its keys name the pair reported).
//! `chain_length` 1 sizes every sample from the nominal design alone (for comparison).
DesignUncertainty design_uncertainty(const DesignSpec& spec, const DesignResult& nominal,
                                     int samples, std::uint64_t seed = 1, int threads = 1,
                                     int chain_length = sample_chain_length);

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
