// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The sizing of `design --uncertainty` (size_design: design's search, its trials
// warm-started from the nominal steady state, no cold re-run) finds the same reflux and stage
// counts as a full `design` of the same sampled system, on a binary and a 17-element cut.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "reesx/flowsheets/Design.h"
#include "reesx/flowsheets/DesignUncertainty.h"

namespace {

void expect_same_as_design(const std::string& yaml, int samples, std::uint64_t seed)
{
    auto spec = reesx::parse_design(reesx::InputNode::load_string(yaml, "d.yaml"));
    const auto nominal = reesx::design(spec);
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    std::normal_distribution<double> n01(0.0, 1.0);
    int moved = 0;
    for (int i = 0; i < samples; ++i) {
        reesx::DesignSpec trial = spec;
        trial.system = reesx::sample_system(
            spec.system, [&] { return u01(engine); }, [&] { return n01(engine); });
        const auto full = reesx::design(trial);
        const auto fast = reesx::size_design(trial, nominal);
        EXPECT_EQ(fast.s, full.s) << "sample " << i;
        EXPECT_EQ(fast.w, full.w) << "sample " << i;
        EXPECT_EQ(fast.n, full.n) << "sample " << i;
        EXPECT_EQ(fast.m, full.m) << "sample " << i;
        // Fewer simulations than the full design (which also re-runs its answer cold).
        EXPECT_LT(fast.simulations, full.simulations) << "sample " << i;
        moved += full.n != nominal.n || full.m != nominal.m;
    }
    // The samples must move the design, or the comparison shows nothing.
    EXPECT_GT(moved, 0);
}

//! design_uncertainty sizes chains of samples sorted by beta, each search started from the
//! last sample's boundary and trials: every sample must still get the stages of a full
//! `design` of its sampled system (inline), and the chains must save trials.
void expect_chained_same_as_design(const std::string& yaml, int samples, std::uint64_t seed)
{
    const auto spec = reesx::parse_design(reesx::InputNode::load_string(yaml, "d.yaml"));
    const auto nominal = reesx::design(spec);
    const auto chained = reesx::design_uncertainty(spec, nominal, samples, seed, 2);
    const auto alone = reesx::design_uncertainty(spec, nominal, samples, seed, 1, 1);
    ASSERT_EQ(chained.failed, 0) << (chained.warnings.empty() ? "" : chained.warnings.front());
    ASSERT_EQ(chained.total_stage_samples.size(), static_cast<std::size_t>(samples));
    EXPECT_EQ(chained.total_stage_samples, alone.total_stage_samples);
    EXPECT_EQ(chained.extraction_stage_samples, alone.extraction_stage_samples);
    EXPECT_LT(chained.simulations, alone.simulations);
    const auto systems = reesx::draw_systems(spec.system, samples, seed);
    int moved = 0;
    for (int i = 0; i < samples; ++i) {
        reesx::DesignSpec trial = spec;
        trial.system = systems[static_cast<std::size_t>(i)];
        trial.system_reference.clear();
        const auto full = reesx::design(trial);
        const auto k = static_cast<std::size_t>(i);
        EXPECT_EQ(chained.total_stage_samples[k], full.n + full.m) << "sample " << i;
        EXPECT_EQ(chained.extraction_stage_samples[k], full.n) << "sample " << i;
        moved += full.n + full.m != nominal.n + nominal.m;
    }
    EXPECT_GT(moved, samples / 4);
}

TEST(DesignUncertainty, ChainedSamplesMatchFullDesignBinary)
{
    // More samples than one chain: the second chain starts from the nominal again.
    expect_chained_same_as_design(
        "system: p507-hcl\nfeed: \"Pr:0.3,Nd:0.7\"\nsplit: Pr/Nd\npurity: 0.999\n"
        "tradeoff: {points: 0}\n",
        reesx::sample_chain_length + 8, 5);
}

TEST(DesignUncertainty, ChainedSamplesMatchFullDesign17Elements)
{
    expect_chained_same_as_design(
        "system: p507-hcl\n"
        "feed: {name: mixed, concentration: 1.5 mol/L, composition: {Sc: 0.0002, Y: 0.012, "
        "La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, Sm: 0.012, Eu: 0.002, "
        "Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, "
        "Lu: 0.0001}}\nsplit: Pr/Nd\npurity: 0.9999\ntradeoff: {points: 0}\n",
        12, 13);
}

TEST(DesignUncertainty, ChainsSortSamplesByBeta)
{
    const auto spec = reesx::parse_design(reesx::InputNode::load_string(
        "system: p507-hcl\nfeed: \"Pr:0.3,Nd:0.7\"\nsplit: Pr/Nd\npurity: 0.99\n"
        "tradeoff: {points: 0}\n",
        "d.yaml"));
    const auto nominal = reesx::design(spec);
    const auto systems = reesx::draw_systems(spec.system, 70, 3);
    const auto chains = reesx::sample_chains(systems, nominal, 32);
    ASSERT_EQ(chains.size(), 3u);
    EXPECT_EQ(chains[2].size(), 6u);
    std::vector<int> seen;
    double last = 0.0;
    for (const auto& chain : chains) {
        for (const int i : chain) {
            const double beta =
                systems[static_cast<std::size_t>(i)].beta(nominal.key_a, nominal.key_b);
            EXPECT_GE(beta, last);
            last = beta;
            seen.push_back(i);
        }
    }
    std::sort(seen.begin(), seen.end());
    for (int i = 0; i < 70; ++i) {
        EXPECT_EQ(seen[static_cast<std::size_t>(i)], i);
    }
}

TEST(DesignUncertainty, FastSizingMatchesFullDesignBinary)
{
    expect_same_as_design(
        "system: p507-hcl\nfeed: \"Pr:0.3,Nd:0.7\"\nsplit: Pr/Nd\npurity: 0.999\n"
        "tradeoff: {points: 0}\n",
        12, 3);
}

TEST(DesignUncertainty, FastSizingMatchesFullDesignCePr)
{
    // Another cut than Pr/Nd (Ce/Pr, beta ~2): the boundary m*(n) has another shape, and the
    // sampled search's trials start from other profiles than design's (the nominal steady
    // state, then the nearest trial): it must end on the same stages.
    expect_same_as_design(
        "system: p507-hcl\nfeed: \"Ce:0.5,Pr:0.5\"\nsplit: Ce/Pr\npurity: 0.999\n"
        "tradeoff: {points: 0}\n",
        10, 11);
}

TEST(DesignUncertainty, FastSizingMatchesFullDesign17Elements)
{
    expect_same_as_design(
        "system: p507-hcl\n"
        "feed: {name: mixed, concentration: 1.5 mol/L, composition: {Sc: 0.0002, Y: 0.012, "
        "La: 0.27, Ce: 0.4907, Pr: 0.05, Nd: 0.155, Pm: 0.000001, Sm: 0.012, Eu: 0.002, "
        "Gd: 0.005, Tb: 0.0008, Dy: 0.0012, Ho: 0.0003, Er: 0.0004, Tm: 0.0001, Yb: 0.0002, "
        "Lu: 0.0001}}\nsplit: Pr/Nd\npurity: 0.9999\ntradeoff: {points: 0}\n",
        4, 7);
}

}  // namespace
