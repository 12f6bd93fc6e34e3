// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// A sulfate-medium cascade's acid is priced as H2SO4 (mol of H2SO4 = H+ / 2, 98.079 g/mol, at
// the region's h2so4-price and h2so4-embodied-energy), a chloride one's as HCl, both from the
// simulated balances.
#include <gtest/gtest.h>

#include <regex>

#include "PricedCase.h"
#include "reesx/costs/Report.h"

namespace {

using namespace reesx;
using namespace reesx::costs;

std::string sulfate_example()
{
    return test::example_text("sulfate-d2ehpa-impurities.yaml");
}

using test::price;
using test::Priced;

TEST(SulfateCosts, acidIsPricedAsSulfuricAcid)
{
    const Priced p = price(sulfate_example());
    ASSERT_TRUE(p.spec.medium.sulfate);
    const double h_fed =
        p.result.reagents.scrub_acid_h_mol_per_h + p.result.reagents.strip_acid_h_mol_per_h;
    ASSERT_GT(h_fed, 0.0);
    EXPECT_DOUBLE_EQ(p.model->streams().h2so4_fed_h_mol_per_h, h_fed);
    std::vector<double> acid_usd;
    for (const auto& code : {"CN-NM", "US"}) {
        SCOPED_TRACE(code);
        const Region& region = p.model->region(code);
        const ParamValues v = p.model->nominal(region);
        const CountryCost c = p.model->evaluate(region);
        const double h = c.operating_hours_per_year;
        EXPECT_EQ(c.hcl_t_per_year, 0.0);
        EXPECT_NEAR(c.h2so4_t_per_year, h_fed / 2.0 * 98.079e-6 * h, 1e-9 * c.h2so4_t_per_year);
        const double usd = c.opex_usd_per_year_by_item[static_cast<int>(OpexItem::hcl)];
        EXPECT_NEAR(usd, c.h2so4_t_per_year * v.r(RegionParam::h2so4_price), 1e-9 * usd);
        EXPECT_NE(v.r(RegionParam::h2so4_price), v.r(RegionParam::hcl_price));
        EXPECT_NEAR(c.energy_kwh_per_year_by_item[static_cast<int>(EnergyItem::hcl_embodied)],
                    c.h2so4_t_per_year * v.g(GlobalParam::h2so4_embodied_energy), 1e-6);
        acid_usd.push_back(usd);
    }
    // China's sulfuric acid is cheaper than the US default (countries.yaml).
    EXPECT_LT(acid_usd[0], acid_usd[1]);
}

TEST(SulfateCosts, theSameCascadeInChlorideIsPricedAsHcl)
{
    const std::string chloride =
        std::regex_replace(sulfate_example(), std::regex("medium: sulfate\n"), "");
    const Priced p = price(chloride);
    ASSERT_FALSE(p.spec.medium.sulfate);
    EXPECT_EQ(p.model->streams().h2so4_fed_h_mol_per_h, 0.0);
    const Region& region = p.model->region("US");
    const ParamValues v = p.model->nominal(region);
    const CountryCost c = p.model->evaluate(region);
    const double h_fed =
        p.result.reagents.scrub_acid_h_mol_per_h + p.result.reagents.strip_acid_h_mol_per_h;
    EXPECT_EQ(c.h2so4_t_per_year, 0.0);
    EXPECT_NEAR(c.hcl_t_per_year, h_fed * 36.461e-6 * c.operating_hours_per_year,
                1e-9 * c.hcl_t_per_year);
    EXPECT_NEAR(c.opex_usd_per_year_by_item[static_cast<int>(OpexItem::hcl)],
                c.hcl_t_per_year * v.r(RegionParam::hcl_price), 1e-6);
}

}  // namespace
