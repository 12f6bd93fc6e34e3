// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// A seeded generator of random feasible cascades over the whole operating range: 1–17
// elements, traces down to 1e-12 mole fraction, extractability spans up to 10^12, reflux
// from 1.001 to 20 × S_min on and off the sharp split, Murphree 0.3–1 per section, organic
// feeds, strip sections, side draws and closed organic loops, for every equilibrium model.
// The property test (test_cascade_property.cpp) solves a few hundred of them; the benchmark
// BM_RandomCascades the full set.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "reesx/flowsheets/Theory.h"
#include "reesx/thermo/Elements.h"

namespace reesx::test {

struct RandomCase {
    std::string yaml;
    std::string model;
    int stages = 0;             //!< all stages
    bool ideal_simple = false;  //!< separation-factor, E = 1, no strip/draw/organic feed/loop
};

struct RandomCaseLimits {
    int max_section_stages = 300;  //!< stages per extraction or scrub section
};

class RandomCaseGenerator {
public:
    explicit RandomCaseGenerator(std::uint64_t seed, RandomCaseLimits limits = {})
        : rng_(seed), limits_(limits)
    {
    }

    //! model: "separation-factor", "constant-distribution", "mass-action" or "ph-correlation".
    RandomCase next(const std::string& model)
    {
        if (model == "separation-factor") {
            return saturated();
        }
        if (model == "constant-distribution") {
            return constant_distribution();
        }
        return acidity(model);
    }

private:
    double uniform(double a, double b)
    {
        return std::uniform_real_distribution<double>(a, b)(rng_);
    }
    double log_uniform(double a, double b) { return std::exp(uniform(std::log(a), std::log(b))); }
    int integer(int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng_); }
    bool chance(double p) { return uniform(0.0, 1.0) < p; }
    int section_stages(int lo)
    {
        return static_cast<int>(std::lround(log_uniform(lo, limits_.max_section_stages + 0.49)));
    }

    //! n distinct element symbols (all 17 available), and random feed mole fractions with
    //! some traces (1e-12–1e-3).
    void elements(int n, std::vector<std::string>& symbols, std::vector<double>& fractions)
    {
        std::vector<int> all(num_elements);
        std::iota(all.begin(), all.end(), 0);
        std::shuffle(all.begin(), all.end(), rng_);
        symbols.clear();
        fractions.clear();
        for (int k = 0; k < n; ++k) {
            symbols.emplace_back(reesx::elements()[all[static_cast<std::size_t>(k)]].symbol);
            fractions.push_back(n > 1 && chance(0.25) ? log_uniform(1e-12, 1e-3)
                                                      : uniform(0.05, 1.0));
        }
        const double total = std::accumulate(fractions.begin(), fractions.end(), 0.0);
        for (double& f : fractions) {
            f /= total;
        }
    }

    static void composition(std::ostringstream& y, const std::vector<std::string>& symbols,
                            const std::vector<double>& fractions)
    {
        y << "{";
        for (std::size_t k = 0; k < symbols.size(); ++k) {
            y << (k ? ", " : "") << symbols[k] << ": " << fractions[k];
        }
        y << "}";
    }

    void efficiency(std::ostringstream& y, bool strip, RandomCase& c)
    {
        if (!chance(0.25)) {
            return;
        }
        c.ideal_simple = false;
        y << "efficiency: {extraction: " << uniform(0.3, 1.0) << ", scrub: " << uniform(0.3, 1.0);
        if (strip) {
            y << ", strip: " << uniform(0.3, 1.0);
        }
        y << "}\n";
    }

    RandomCase saturated()
    {
        RandomCase c;
        c.model = "separation-factor";
        c.ideal_simple = true;
        std::ostringstream y;
        y.precision(17);
        const int n = chance(0.15) ? 1 : (chance(0.2) ? 2 : integer(2, 17));
        std::vector<std::string> symbols;
        std::vector<double> z;
        elements(n, symbols, z);
        // Extractabilities: neighbour beta 1.3–10, sometimes one Sc-like jump, span <= 10^12.
        std::vector<double> log10_k(static_cast<std::size_t>(n), 0.0);
        for (int k = 1; k < n; ++k) {
            log10_k[k] = log10_k[k - 1] + std::log10(log_uniform(1.3, 10.0));
        }
        if (n > 1 && chance(0.15)) {
            const int jump = integer(1, n - 1);
            for (int k = jump; k < n; ++k) {
                log10_k[k] += uniform(2.0, 6.0);
            }
        }
        const double span = log10_k.back();
        if (span > 12.0) {
            for (double& v : log10_k) {
                v *= 12.0 / span;
            }
        }
        y << "system:\n  name: random\n  log10-extractability: {";
        for (int k = 0; k < n; ++k) {
            y << (k ? ", " : "") << symbols[k] << ": " << log10_k[k];
        }
        y << "}\n";
        // Cut between the key pair (B below, A above); f_A = feed share above the cut.
        const int cut = n > 1 ? integer(1, n - 1) : 1;
        double f_a = 0.0;
        for (int k = cut; k < n; ++k) {
            f_a += z[k];
        }
        if (n == 1 || f_a < 1e-6 || f_a > 1.0 - 1e-6) {
            f_a = uniform(0.05, 0.95);  // one element, or a cut next to traces: any share
        }
        const double beta = n > 1 ? std::pow(10.0, log10_k[cut] - log10_k[cut - 1]) : 2.0;
        // Organic product share P = S - W: on the sharp split half the time.
        const double product =
            chance(0.5) ? f_a : std::clamp(f_a * uniform(0.95, 1.05), 1e-4, 1.0 - 1e-4);
        double s_min = 0.0, w_min = 0.0;
        theory::Targets targets{beta, f_a, 0.9999, 0.9999, theory::FeedPhase::aqueous};
        theory::minimum_reflux(targets, s_min, w_min);
        if (!(s_min > product)) {
            s_min = product + 1.0 / (beta - 1.0);
        }
        const double s = std::max(product * 1.0001, s_min * log_uniform(1.001, 20.0));
        const double loading = 0.18, acid = uniform(1.0, 6.0);
        const bool organic_feed = chance(0.1);
        // An organic feed must fit in the organic (below its capacity); its RE joins the
        // organic, so the raffinate takes W - S and the organic product S - W + 1.
        const double feed_mol_per_L = organic_feed ? uniform(0.02, 0.17) : log_uniform(0.1, 2.0);
        const double w = organic_feed ? s + 1.0 - product : s - product;
        const double feed_flow = 100.0, feed_mol = feed_flow * feed_mol_per_L;
        const int n_ext = section_stages(1), n_scrub = section_stages(1);
        const bool strip = chance(0.25);
        const int n_strip = strip ? integer(1, 10) : 0;
        c.stages = n_ext + n_scrub + n_strip;
        y << "model: separation-factor\nstages: {extraction: " << n_ext << ", scrub: " << n_scrub
          << ", strip: " << n_strip << "}\n";
        y << "feed: {flow: " << feed_flow << " L/h, concentration: " << feed_mol_per_L
          << " mol/L, composition: ";
        composition(y, symbols, z);
        if (organic_feed) {
            c.ideal_simple = false;
            y << ", phase: organic";
        } else if (chance(0.3)) {
            y << ", stage: " << integer(1, n_ext);
        }
        y << "}\n";
        y << "organic: {flow: " << s * feed_mol / loading << " L/h, loading: " << loading
          << " mol/L";
        if (strip && chance(0.3)) {
            c.ideal_simple = false;
            y << ", recycle: true";
        }
        y << "}\n";
        y << "scrub: {flow: " << w * feed_mol * 3.0 / acid << " L/h, acid: " << acid << " mol/L}\n";
        if (strip) {
            c.ideal_simple = false;
            // 5 mol/L acid with 4 H+ per RE of the loaded organic (3 strip it completely).
            y << "strip: {flow: " << 0.8 * (s - w + (organic_feed ? 1.0 : 0.0)) * feed_mol
              << " L/h, acid: 5 mol/L}\n";
        }
        if (chance(0.1) && n_scrub > 1) {
            // An organic side draw in the scrub section, up to half the organic product.
            c.ideal_simple = false;
            const double product_L_per_h =
                (organic_feed ? s - w + 1.0 : s - w) * feed_mol / loading;
            y << "draws: [{name: side, phase: organic, stage: " << n_ext + integer(1, n_scrub - 1)
              << ", flow: " << uniform(0.01, 0.5) * product_L_per_h << " L/h}]\n";
        }
        efficiency(y, strip, c);
        c.yaml = y.str();
        return c;
    }

    RandomCase constant_distribution()
    {
        RandomCase c;
        c.model = "constant-distribution";
        std::ostringstream y;
        y.precision(17);
        const int n = integer(1, 17);
        std::vector<std::string> symbols;
        std::vector<double> z;
        elements(n, symbols, z);
        const int n_ext = section_stages(1), n_scrub = chance(0.5) ? section_stages(1) : 0;
        c.stages = n_ext + n_scrub;
        y << "system: p507-hcl\nmodel: constant-distribution\nstages: {extraction: " << n_ext
          << ", scrub: " << n_scrub << "}\ndistribution: {";
        for (int k = 0; k < n; ++k) {
            y << (k ? ", " : "") << symbols[k] << ": " << log_uniform(1e-3, 1e3);
        }
        y << "}\nfeed: {flow: 100 L/h, concentration: " << log_uniform(1e-3, 2.0)
          << " mol/L, composition: ";
        composition(y, symbols, z);
        y << "}\norganic: {flow: " << log_uniform(10.0, 1000.0) << " L/h}\n";
        if (n_scrub > 0) {
            y << "scrub: {flow: " << log_uniform(1.0, 200.0) << " L/h, acid: 1 mol/L}\n";
        }
        efficiency(y, false, c);
        c.yaml = y.str();
        return c;
    }

    //! mass-action (p507-hcl's constants) or ph-correlation (random slopes and intercepts):
    //! flows around the examples', extraction–scrub–strip.
    RandomCase acidity(const std::string& model)
    {
        RandomCase c;
        c.model = model;
        std::ostringstream y;
        y.precision(17);
        const int n = integer(1, 17);
        std::vector<std::string> symbols;
        std::vector<double> z;
        elements(n, symbols, z);
        const int n_ext = section_stages(2), n_scrub = section_stages(1), n_strip = integer(1, 10);
        c.stages = n_ext + n_scrub + n_strip;
        y << "system: p507-hcl\nmodel: " << model << "\n";
        if (model == "ph-correlation") {
            y << "ph-correlation: {";
            for (int k = 0; k < n; ++k) {
                y << (k ? ", " : "") << symbols[k] << ": {slope: " << uniform(2.5, 3.5)
                  << ", intercept: " << uniform(-2.0, 0.5) << "}";
            }
            y << "}\n";
        }
        const double feed_mol_per_L = log_uniform(0.05, 1.5), feed_mol = 100.0 * feed_mol_per_L;
        const double extractant = uniform(0.5, 1.5), saponification = uniform(0.0, 0.4);
        // Organic capacity (extractant/3 per RE) between 0.3 and 3 times the feed's RE.
        const double organic_flow = log_uniform(0.3, 3.0) * feed_mol * 3.0 / extractant;
        y << "stages: {extraction: " << n_ext << ", scrub: " << n_scrub << ", strip: " << n_strip
          << "}\nfeed: {flow: 100 L/h, concentration: " << feed_mol_per_L
          << " mol/L, acid: " << log_uniform(1e-3, 0.3) << " mol/L, composition: ";
        composition(y, symbols, z);
        y << "}\norganic: {flow: " << organic_flow
          << " L/h, extractant-concentration: " << extractant
          << " mol/L, saponification: " << saponification;
        if (chance(0.2)) {
            y << ", recycle: true";
        }
        y << "}\nscrub: {flow: " << log_uniform(0.1, 1.0) * feed_mol / 3.0
          << " L/h, acid: " << uniform(0.5, 4.0) << " mol/L}\nstrip: {flow: 100 L/h, acid: "
          << std::max(4.0, 4.0 * extractant * organic_flow / 300.0) << " mol/L}\n";
        c.yaml = y.str();  // (no Murphree efficiencies with these models)
        return c;
    }

    std::mt19937_64 rng_;
    RandomCaseLimits limits_;
};

}  // namespace reesx::test
