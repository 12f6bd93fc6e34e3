// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `separate --uncertainty` and `optimize --uncertainty`: the P50 of the sampled stage counts
// lands within one stage of the nominal answer, the spread shrinks when the system's ranges
// shrink, and a seeded run repeats (whatever the thread count); through the command line, the
// JSON keys docs/interface.md names.
#include <gtest/gtest.h>

#include "../RunReesx.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reesx/costs/SampledCosts.h"
#include "reesx/flowsheets/SeparateUncertainty.h"

namespace fs = std::filesystem;

namespace {

//! The system with every value's range symmetric about it, `half_width` in log10 K each side
//! (the first element, the reference, keeps its own): a pair's sampled log10 beta is then
//! symmetric about the nominal one, so the median sample needs the nominal stages.
reesx::ExtractionSystem symmetric_ranges(reesx::ExtractionSystem system, double half_width)
{
    const auto order = system.extraction_order();
    for (std::size_t i = 1; i < order.size(); ++i) {
        auto& k = *system.extractability[static_cast<std::size_t>(order[i])];
        k.log10_k_low = k.log10_k - half_width;
        k.log10_k_high = k.log10_k + half_width;
    }
    return system;
}

double spread(const reesx::Percentiles& p)
{
    return p.p90 - p.p10;
}

TEST(DesignUncertainty, TrialsOfABuiltInSystemSimulateTheSampledValues)
{
    // A built-in system named in the input is written into design's case files by name: the
    // sampled trials must carry the sampled values instead, or they simulate the nominal ones.
    const auto spec = reesx::parse_design(reesx::InputNode::load_string(
        "system: p507-hcl\nfeed: \"Pr:0.3,Nd:0.7\"\nsplit: Pr/Nd\npurity: 0.99\n"
        "tradeoff: {points: 0}\n",
        "d.yaml"));
    ASSERT_FALSE(spec.system_reference.empty());
    const auto nominal = reesx::design(spec);
    const auto u = reesx::design_uncertainty(spec, nominal, 3, 17);
    ASSERT_EQ(u.failed, 0);
    const auto systems = reesx::draw_systems(spec.system, 3, 17);
    for (std::size_t i = 0; i < systems.size(); ++i) {
        reesx::DesignSpec inline_spec = spec;
        inline_spec.system = systems[i];
        inline_spec.system_reference.clear();
        const auto full = reesx::design(inline_spec);
        EXPECT_EQ(u.total_stage_samples[i], full.n + full.m) << "sample " << i;
    }
}

TEST(SeparateUncertainty, P50IsNominalSpreadShrinksAndSeedRepeats)
{
    const auto root = reesx::InputNode::load_string(
        "system: p507-hcl\nfeed: \"La:0.3,Ce:0.4,Pr:0.3\"\npurity: 0.99\n", "separate.yaml");
    reesx::SeparateSpec spec = reesx::parse_separate(root);
    spec.system = symmetric_ranges(spec.system, 0.03);
    const reesx::SeparateResult nominal = reesx::separate(spec);
    ASSERT_EQ(nominal.cascades.size(), 2u);
    reesx::costs::CostSetup setup;
    setup.data = reesx::costs::builtin_cost_data();
    double feed_kg_per_h = 0.0;
    for (int e = 0; e < reesx::num_elements; ++e) {
        feed_kg_per_h += spec.feed.mole_fraction[e] * spec.feed_re_mol_per_h *
                         reesx::elements()[e].oxide_mass_per_mol_element_g() / 1e3;
    }
    const auto costing = reesx::costs::plant_share_costing(setup, {"CN-NM"}, feed_kg_per_h);
    const auto wide = reesx::separate_uncertainty(spec, nominal, 15, 3, 2, costing);
    EXPECT_EQ(wide.failed, 0) << (wide.warnings.empty() ? "" : wide.warnings.front());
    for (const auto& c : wide.cascades) {
        EXPECT_LE(std::abs(c.total_stages.p50 - (c.nominal_n + c.nominal_m)), 1.0) << c.split;
        EXPECT_GT(c.s.p90, c.s.p10) << c.split;
    }
    EXPECT_GT(spread(wide.total_stages), 0.0);
    // The plant's cost follows its stages and reflux: its median is near the nominal plant's.
    ASSERT_EQ(wide.nominal_cost.size(), 1u);
    ASSERT_EQ(wide.cost_samples.size(), 15u);
    std::vector<double> cost;
    for (const auto& s : wide.cost_samples) {
        cost.push_back(s[0]);
    }
    const auto c = reesx::spread_percentiles(cost);
    EXPECT_GT(wide.nominal_cost[0], 0.0);
    EXPECT_NEAR(c.p50, wide.nominal_cost[0], 0.1 * wide.nominal_cost[0]);
    EXPECT_GT(c.p90, c.p10);

    // The same seed on one thread: the same samples, sample for sample.
    const auto again = reesx::separate_uncertainty(spec, nominal, 15, 3, 1);
    EXPECT_EQ(again.total_stage_samples, wide.total_stage_samples);

    spec.system = symmetric_ranges(spec.system, 0.006);
    const auto narrow = reesx::separate_uncertainty(spec, nominal, 15, 3, 2);
    EXPECT_LT(spread(narrow.total_stages), spread(wide.total_stages));
}

TEST(SeparateUncertainty, SamplesChooseTheirOwnSequence)
{
    // Three elements in equal shares with beta(Ce/La) ~2 and beta(Pr/Ce) ~1.6: the short-cut
    // objectives of the two sequences (La/Ce-Pr then Ce/Pr, and La-Ce/Pr then La/Ce) lie close,
    // so the sampled betas choose either.
    const auto root = reesx::InputNode::load_string(
        "system: {name: tri, log10-extractability: {La: 0, Ce: {value: 0.3, range: [0.2, 0.4]}, "
        "Pr: {value: 0.5, range: [0.4, 0.6]}}}\n"
        "feed: \"La:0.3333,Ce:0.3334,Pr:0.3333\"\npurity: 0.99\n",
        "separate.yaml");
    const reesx::SeparateSpec spec = reesx::parse_separate(root);
    const reesx::SeparateResult nominal = reesx::separate(spec);
    const int samples = 12;
    const auto u = reesx::separate_uncertainty(spec, nominal, samples, 5, 2);
    ASSERT_EQ(u.failed, 0) << (u.warnings.empty() ? "" : u.warnings.front());
    ASSERT_EQ(u.sequences.size(), 2u);
    EXPECT_EQ(u.sequences[0].samples + u.sequences[1].samples, samples);
    EXPECT_NE(u.sequences[0].nominal, u.sequences[1].nominal);
    const auto& kept = u.sequences[0].nominal ? u.sequences[0] : u.sequences[1];
    EXPECT_EQ(kept.cuts, reesx::chosen_sequence(spec));
    EXPECT_EQ(u.sequence_changed, samples - kept.samples);
    EXPECT_EQ(u.nominal_sequence_samples, kept.samples);
    EXPECT_GT(u.sequence_changed, 0);
    EXPECT_LT(u.sequence_changed, samples);

    // A sample choosing another sequence is that sequence's plant, designed in full; one
    // keeping it re-sizes the nominal cascades. With keep_sequence every sample is the latter,
    // and the shares are the same.
    const auto fixed = reesx::separate_uncertainty(spec, nominal, samples, 5, 1, {}, true);
    ASSERT_EQ(fixed.failed, 0);
    EXPECT_EQ(fixed.nominal_sequence_samples, samples);
    EXPECT_EQ(fixed.sequence_changed, u.sequence_changed);
    const auto systems = reesx::draw_systems(spec.system, samples, 5);
    for (int i = 0; i < samples; ++i) {
        reesx::SeparateSpec own = spec;
        own.system = systems[static_cast<std::size_t>(i)];
        const auto k = static_cast<std::size_t>(i);
        if (reesx::chosen_sequence(own) == kept.cuts) {
            EXPECT_EQ(u.total_stage_samples[k], fixed.total_stage_samples[k]) << "sample " << i;
            continue;
        }
        const auto plant = reesx::separate(own);
        int total = 0;
        for (const auto& c : plant.cascades) {
            total += c.design.n + c.design.m;
        }
        EXPECT_EQ(u.total_stage_samples[k], total) << "sample " << i;
    }
}

TEST(OptimizeUncertainty, P50IsTheOptimumSpreadShrinksAndSeedRepeats)
{
    const auto run = [](double half_width, int threads) {
        std::ostringstream y;
        y << "system: {name: binary, log10-extractability: {Pr: 0, Nd: {value: 0.25, range: ["
          << 0.25 - half_width << ", " << 0.25 + half_width << "]}}}\n"
          << "feed: {name: prnd, composition: {Pr: 0.5, Nd: 0.5}, concentration: 1.5 mol/L}\n"
          << "split: Pr/Nd\nfeed-rate: 100 kg/h REO\npurity: 0.999\ntradeoff: {points: 0}\n";
        const auto spec = reesx::parse_design(reesx::InputNode::load_string(y.str(), "d.yaml"));
        reesx::costs::OptimizeOptions options;
        options.setup.data = reesx::costs::builtin_cost_data();
        options.countries = {"CN-NM"};
        const auto result = reesx::costs::optimize(spec, options);
        return reesx::costs::optimize_uncertainty(spec, options, result, 15, 9, threads);
    };
    const auto wide = run(0.03, 2);
    ASSERT_EQ(wide.countries.size(), 1u);
    const auto& w = wide.countries[0];
    EXPECT_EQ(w.failed, 0) << (wide.warnings.empty() ? "" : wide.warnings.front());
    EXPECT_LE(std::abs(w.total_stages.p50 - (w.nominal.n + w.nominal.m)), 1.0);
    EXPECT_GT(spread(w.total_stages), 0.0);
    EXPECT_GT(spread(w.cost_usd_per_kg), 0.0);
    EXPECT_NEAR(w.cost_usd_per_kg.p50, w.nominal.cost_usd_per_kg, 0.1 * w.nominal.cost_usd_per_kg);
    const auto again = run(0.03, 1);
    EXPECT_EQ(again.countries[0].total_stages.p10, w.total_stages.p10);
    EXPECT_EQ(again.countries[0].total_stages.p90, w.total_stages.p90);
    EXPECT_EQ(again.countries[0].cost_usd_per_kg.p50, w.cost_usd_per_kg.p50);
    const auto narrow = run(0.005, 2);
    EXPECT_LT(spread(narrow.countries[0].total_stages), spread(w.total_stages));
}

fs::path fresh_dir(const std::string& name)
{
    // Named after the process: parallel test runs of other checkouts do not share it.
    const auto dir = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

TEST(SpreadUncertaintyCli, SeparateAndOptimizeWriteTheirPercentiles)
{
    using reesx::test::run_reesx;
    const auto dir = fresh_dir("reesx-spread-uncertainty");
    const auto sep_json = dir / "separate.json";
    const auto sep = run_reesx(
        "separate --feed \"La:0.3,Ce:0.4,Pr:0.3\" --purity 0.99 --countries CN-NM "
        "--uncertainty 4 --threads 1 --json " +
        sep_json.string());
    ASSERT_EQ(sep.status, 0) << sep.out;
    EXPECT_NE(sep.out.find("uncertainty: 4 of 4 sampled plants"), std::string::npos) << sep.out;
    const auto j = nlohmann::json::parse(std::ifstream(sep_json));
    const auto& u = j.at("uncertainty");
    EXPECT_EQ(u.at("samples"), 4);
    EXPECT_EQ(u.at("cascades").size(), 2u);
    EXPECT_TRUE(u.at("total_stages").contains("p50"));
    EXPECT_TRUE(u.at("cost_usd_per_kg_reo_fed").at("CN-NM").contains("nominal"));
    double share = 0.0;
    int nominal_sequences = 0;
    for (const auto& q : u.at("sequences")) {
        share += q.at("share").get<double>();
        nominal_sequences += q.at("nominal").get<bool>() ? 1 : 0;
    }
    EXPECT_NEAR(share, 1.0, 1e-12);
    EXPECT_LE(nominal_sequences, 1);
    EXPECT_EQ(u.at("nominal_sequence_samples").get<int>() + u.at("sequence_changed").get<int>(), 4);
    EXPECT_NE(sep.out.find("sequence of cuts chosen by the samples"), std::string::npos);

    const auto opt_json = dir / "optimize.json";
    const auto opt = run_reesx(
        "optimize --system p507-hcl --feed \"Pr:0.5,Nd:0.5\" --split Pr/Nd --purity 0.99 "
        "--countries CN-NM --uncertainty 3 --threads 1 -q --json " +
        opt_json.string());
    ASSERT_EQ(opt.status, 0) << opt.out;
    const auto o = nlohmann::json::parse(std::ifstream(opt_json));
    const auto& c = o.at("uncertainty").at("countries").at("CN-NM");
    EXPECT_TRUE(c.at("cost_usd_per_kg").contains("p90"));
    EXPECT_TRUE(c.at("nominal").contains("extraction_stages"));
    EXPECT_GE(c.at("total_stages").at("p90").get<double>(),
              c.at("total_stages").at("p10").get<double>());
    fs::remove_all(dir);
}

}  // namespace
