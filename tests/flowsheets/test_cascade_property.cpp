// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Property test of the steady-state solve on the seeded generator's random feasible cascades
// (RandomCases.h): a case converges with its element balances closed, or stops with a
// ConvergenceError, never with another error or a wrong answer; and at least the share that
// converges today still does. REESX_PROPERTY_CASES=N and REESX_PROPERTY_MAX_STAGES=M widen
// the set (the benchmark BM_RandomCascades runs the full range).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>

#include "CaseBuilder.h"
#include "RandomCases.h"
#include "reesx/core/Error.h"

namespace reesx {
namespace {

int cases_per_model(int default_count)
{
    if (const char* env = std::getenv("REESX_PROPERTY_CASES")) {
        return std::max(1, std::atoi(env));
    }
    return default_count;
}

//! Every element's balance closes to 1e-12 of its feed, or to the rounding of what it
//! circulates through its busiest stage (64 eps times that flux: docs/model.md).
void expect_balances_close(const CascadeResult& r, const std::string& yaml)
{
    for (int e = 0; e < num_elements; ++e) {
        if (r.feed_mol_per_h[e] <= 0.0) {
            continue;
        }
        double circulating = 0.0;
        for (int j = 0; j < r.num_stages; ++j) {
            circulating =
                std::max(circulating, r.aqueous_flow_L_per_h[j] * r.aqueous_mol_per_L(j, e) +
                                          r.organic_flow_L_per_h[j] * r.organic_mol_per_L(j, e));
        }
        const double bound = std::max(1e-12, 64.0 * std::numeric_limits<double>::epsilon() *
                                                 circulating / r.feed_mol_per_h[e]);
        EXPECT_LE(r.balance_relative_error[e], bound) << elements()[e].symbol << "\n" << yaml;
    }
}

struct Failure {
    int index = 0;
    std::string message;
    std::string yaml;
};

//! Solves `count` cases of the generator: every case either converges with its element
//! balances closed to 1e-12 (Cascade::solve refuses anything else) or stops with a
//! ConvergenceError; any other error is a generator or input-check defect and fails the test.
//! Returns the number converged; prints each failure's seed index and case.
int check_model(const std::string& model, std::uint64_t seed, int count,
                test::RandomCaseLimits limits)
{
    if (const char* env = std::getenv("REESX_PROPERTY_MAX_STAGES")) {
        limits.max_section_stages = std::max(1, std::atoi(env));
    }
    test::RandomCaseGenerator generator(seed, limits);
    std::vector<Failure> failures;
    double worst_balance = 0.0;
    for (int k = 0; k < count; ++k) {
        const test::RandomCase c = generator.next(model);
        try {
            const CascadeResult r = test::solve_yaml(c.yaml);
            EXPECT_TRUE(r.solver.converged);
            expect_balances_close(r, c.yaml);
            worst_balance = std::max(worst_balance, r.mass_balance_relative_error);
        } catch (const ConvergenceError& e) {
            failures.push_back({k, e.what(), c.yaml});
        } catch (const Error& e) {
            ADD_FAILURE() << model << " case " << k << ": " << e.what() << "\n" << c.yaml;
        }
    }
    if (const char* dump = std::getenv("REESX_PROPERTY_DUMP")) {
        // Debugging aid: every failing case as a file DUMP/MODEL-INDEX.yaml.
        for (const auto& f : failures) {
            std::ofstream(std::string(dump) + "/" + model + "-" + std::to_string(f.index) + ".yaml")
                << "schema: 1\n"
                << f.yaml;
        }
    }
    for (const auto& f : failures) {
        std::cout << model << " case " << f.index << " did not converge: " << f.message << "\n";
    }
    const int converged = count - static_cast<int>(failures.size());
    std::cout << model << ": " << converged << "/" << count << " converged, worst balance "
              << worst_balance << "\n";
    return converged;
}

// Not yet the property the solver owes (every feasible case converges): these floors are
// what the solver reaches today (docs/performance.md), so that no change loses ground; raise
// them as the failures printed above are fixed. REESX_PROPERTY_CASES=N runs N per model.
TEST(CascadeProperty, SeparationFactorRandomCases)
{
    const int count = cases_per_model(200);
    EXPECT_GE(check_model("separation-factor", 1, count, {100}), count * 98 / 100);
}

TEST(CascadeProperty, ConstantDistributionRandomCasesAllConverge)
{
    const int count = cases_per_model(50);
    EXPECT_EQ(check_model("constant-distribution", 2, count, {100}), count);
}

TEST(CascadeProperty, MassActionRandomCases)
{
    const int count = cases_per_model(30);
    EXPECT_GE(check_model("mass-action", 3, count, {40}), count * 95 / 100);
}

TEST(CascadeProperty, PhCorrelationRandomCases)
{
    const int count = cases_per_model(50);
    EXPECT_GE(check_model("ph-correlation", 4, count, {100}), count * 98 / 100);
}

}  // namespace
}  // namespace reesx
