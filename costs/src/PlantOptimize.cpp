// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The cost-optimal plant (PlantOptimize.h, docs/optimize.md "Whole plants"):
// 1. the sequence: separate's dynamic programme, each cut priced by shortcut_cut_cost in the
//    country (annual USD, summed over the plant's cuts);
// 2. the cascades: separate's builder designs the chosen cuts from the top, each cut's design
//    (design's default) then optimized for the country by optimize_country on the feed the
//    cascade above sends it;
// 3. the plant and separate's default plant (the baseline) are written as plant files, solved
//    and priced as `reesx cost PLANT.yaml` prices them; the baseline is returned if cheaper.
#include "reesx/costs/PlantOptimize.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "reesx/core/Error.h"
#include "reesx/costs/ExtractionSide.h"
#include "reesx/costs/PlantBudget.h"
#include "reesx/costs/PlantCost.h"
#include "reesx/flowsheets/Case.h"
#include "reesx/flowsheets/DesignUncertainty.h"
#include "reesx/flowsheets/Plant.h"

namespace reesx::costs {
namespace {

constexpr double infinite_cost = std::numeric_limits<double>::infinity();
//! The short-cut's reflux grid: S/S_min from 1.01 to 5 in geometric steps (the short-cut's
//! stages diverge at S_min; beyond 5 S_min reagents dominate every cost data set we have).
constexpr double grid_low = 1.01, grid_high = 5.0;
constexpr int grid_points = 48;

//! Streams that only name the system (the cost model takes the extractant's molar mass from
//! it); each design's own streams replace them.
PlantStreams placeholder_streams(const SeparateSpec& spec)
{
    PlantStreams s;
    s.system_name = spec.system.name;
    s.base_equiv_mol_per_h = 1.0;
    return s;
}

double oxide_kg_per_mol(int element)
{
    return elements()[element].oxide_mass_per_mol_element_g() / 1000.0;
}

//! The flows of design's case for a cut at reflux S; every one of them is affine in S (the
//! organic carries S, the scrub W = S - f'_A, the strip S), so two cases give them all.
struct CaseFlows {
    double feed_L = 0.0, organic_L = 0.0, scrub_L = 0.0, strip_L = 0.0;
    double base_mol = 0.0, hcl_mol = 0.0;
    std::optional<double> extractant;
};

CaseFlows case_flows(const DesignSpec& d, double s, double w)
{
    const CaseSpec c = parse_design_case(d, design_case_yaml(d, 5, 5, s, w), "short-cut case");
    CaseFlows f;
    for (const auto& feed : c.feeds) {
        f.feed_L += feed.phase == Phase::aqueous ? feed.flow_L_per_h : 0.0;
    }
    f.organic_L = c.organic.flow_L_per_h;
    f.extractant = c.organic.extractant_mol_per_L;
    if (c.scrub && c.stages_scrub > 0) {
        f.scrub_L = c.scrub->flow_L_per_h;
        f.hcl_mol += c.scrub->h_mol_per_h();
    }
    if (c.strip && c.stages_strip > 0) {
        f.strip_L = c.strip->flow_L_per_h;
        f.hcl_mol += c.strip->h_mol_per_h();
    }
    // The saponification base the simulation books (CascadeResults.cpp): the organic's
    // saponified extractant, else 3 per RE loaded.
    f.base_mol = c.organic.extractant_mol_per_L && c.organic.saponification
                     ? f.organic_L * *c.organic.extractant_mol_per_L * *c.organic.saponification
                     : 3.0 * s * d.feed_re_mol_per_h;
    return f;
}

CaseFlows interpolate(const CaseFlows& a, const CaseFlows& b, double t)
{
    const auto at = [t](double x, double y) { return std::max(0.0, x + t * (y - x)); };
    CaseFlows f;
    f.feed_L = a.feed_L;
    f.organic_L = at(a.organic_L, b.organic_L);
    f.scrub_L = at(a.scrub_L, b.scrub_L);
    f.strip_L = at(a.strip_L, b.strip_L);
    f.base_mol = at(a.base_mol, b.base_mol);
    f.hcl_mol = at(a.hcl_mol, b.hcl_mol);
    f.extractant = a.extractant;
    return f;
}

}  // namespace

double shortcut_cut_cost(const SequenceCut& cut, const CostModel& model, const Region& region)
{
    theory::Result r;
    try {
        r = theory::evaluate(cut.targets);
    } catch (const InfeasibleError&) {
        return infinite_cost;
    }
    const DesignSpec& d = cut.design;
    const double f_a = r.f_a_product;
    const double s1 = r.s_opt, s2 = 2.0 * r.s_opt;
    const CaseFlows c1 = case_flows(d, s1, s1 - f_a), c2 = case_flows(d, s2, s2 - f_a);
    const ParamValues values = model.nominal(region);
    // The two products of an ideal cut: the feed's elements on each side of it.
    PlantStreams base;
    base.system_name = d.system.name;
    base.extractant_mol_per_L = c1.extractant;
    PlantStreams::Product a, b;
    a.name = "A";
    b.name = "B";
    for (int e = 0; e < num_elements; ++e) {
        const double kg = d.feed.mole_fraction[e] * d.feed_re_mol_per_h * oxide_kg_per_mol(e);
        base.feed_reo_kg_per_h += kg;
    }
    for (std::size_t p = d.cut_position; p < d.order.size(); ++p) {
        const int e = d.order[p];
        a.oxide_kg_per_h[e] = d.feed.mole_fraction[e] * d.feed_re_mol_per_h * oxide_kg_per_mol(e);
        a.reo_kg_per_h += a.oxide_kg_per_h[e];
    }
    for (std::size_t p = 0; p < static_cast<std::size_t>(d.cut_position); ++p) {
        const int e = d.order[p];
        b.oxide_kg_per_h[e] = d.feed.mole_fraction[e] * d.feed_re_mol_per_h * oxide_kg_per_mol(e);
        b.reo_kg_per_h += b.oxide_kg_per_h[e];
    }
    base.products = {a, b};
    const int strip = d.strip_stages;
    double best = infinite_cost;
    for (int g = 0; g < grid_points; ++g) {
        const double s =
            r.s_min * grid_low * std::pow(grid_high / grid_low, g / (grid_points - 1.0));
        const double w = s - f_a;
        double n = 0.0, m = 0.0;
        if (!(w > 0.0)) {
            continue;
        }
        theory::shortcut_stages(cut.targets, s, w, n, m);
        if (!std::isfinite(n) || !std::isfinite(m)) {
            continue;
        }
        const int ni = std::max(1, static_cast<int>(std::ceil(n)));
        const int mi = std::max(1, static_cast<int>(std::ceil(m)));
        const CaseFlows f = interpolate(c1, c2, (s - s1) / (s2 - s1));
        PlantStreams st = base;
        st.stages = ni + mi + strip;
        st.stage_aqueous_L_per_h.assign(ni, f.feed_L + f.scrub_L);
        st.stage_aqueous_L_per_h.insert(st.stage_aqueous_L_per_h.end(), mi, f.scrub_L);
        st.stage_aqueous_L_per_h.insert(st.stage_aqueous_L_per_h.end(), strip, f.strip_L);
        st.stage_organic_L_per_h.assign(st.stages, f.organic_L);
        st.fed_aqueous_L_per_h = {f.feed_L, f.scrub_L};
        if (strip > 0) {
            st.fed_aqueous_L_per_h.push_back(f.strip_L);
        } else {
            st.strip_stoichiometric_h_mol_per_h = 3.0 * f_a * d.feed_re_mol_per_h;
        }
        st.fed_total_L_per_h = f.feed_L + f.organic_L + f.scrub_L + f.strip_L;
        st.aqueous_out_L_per_h = f.feed_L + f.scrub_L + f.strip_L;
        st.base_equiv_mol_per_h = f.base_mol;
        st.hcl_fed_mol_per_h = f.hcl_mol;
        best = std::min(best, model.evaluate(region, values, st).annual_cost_usd_per_year);
    }
    return best;
}

namespace {

struct CountryWork {
    int simulations = 0;
    std::vector<std::string> warnings;
};

//! Design's default for the cut, then the country's optimum of it (the default kept when the
//! search fails or finds nothing cheaper).
DesignResult optimized_cut(const DesignSpec& d, const CostSetup& setup, const std::string& code,
                           const PlantOptimizeOptions& options, CountryWork& work)
{
    DesignResult base = design(d);
    work.simulations += base.simulations;
    try {
        const CountryOptimum o = optimize_country(d, setup, code, base, options.reflux_tolerance);
        work.simulations += o.simulations;
        for (const auto& w : o.warnings) {
            work.warnings.push_back(d.split_label + ": " + w);
        }
        const PricedDesign& p = o.optimum;
        DesignSpec chosen = d;
        if (options.extraction_side) {
            // The extractant concentration stays design's: the plant's cost books one organic
            // for all its cascades (PlantCost.cpp), so a per-cascade choice would not be priced.
            const ExtractionChoice x =
                choose_extraction_side(d, setup, code, p.s, p.n, p.m, options.bounds, false);
            work.simulations += x.trials;
            chosen = with_choice(d, x);
        }
        if (p.s == base.s && p.n == base.n && p.m == base.m &&
            chosen.scrub_acid_mol_per_L == d.scrub_acid_mol_per_L &&
            chosen.saponification == d.saponification &&
            chosen.strip_acid_mol_per_L == d.strip_acid_mol_per_L) {
            return base;
        }
        CutSizer sizer(chosen);
        DesignResult r = sizer.design_at(p.s, p.n, p.m);
        work.simulations += r.simulations;
        if (r.purity_a >= r.targets.purity_a && r.purity_b >= r.targets.purity_b) {
            return r;
        }
        work.warnings.push_back(d.split_label +
                                ": the optimized cascade misses a target when re-run; design's "
                                "default is kept");
    } catch (const InfeasibleError& e) {
        work.warnings.push_back(d.split_label + ": not optimized (" + e.what() +
                                "); design's default is kept");
    } catch (const ConvergenceError& e) {
        work.warnings.push_back(d.split_label + ": not optimized (" + e.what() +
                                "); design's default is kept");
    }
    return base;
}

//! The cuts of a designed plant in design order, "La-Nd/Sm-Lu, La/Ce-Nd, ...".
std::string sequence_of(const SeparateResult& r)
{
    std::string text;
    for (const auto& c : r.cascades) {
        text += (text.empty() ? "" : ", ") + c.split;
    }
    return text;
}

//! The plant as `reesx cost PLANT.yaml` solves and costs it, in every country of `request`.
struct SolvedPlant {
    SolvedPlant(std::string plant_yaml, const CostRequest& request)
        : yaml(std::move(plant_yaml)),
          spec(parse_plant(InputNode::load_string(yaml, "the optimized plant"))),
          result(solve_plant(spec)),
          study(plant_cost_study(spec, result, request))
    {
    }
    std::string yaml;
    PlantSpec spec;
    PlantResult result;
    PlantCostStudy study;
};

SolvedPlant solve_and_cost(const SeparateSpec& spec, const SeparateResult& r,
                           const CostRequest& request)
{
    return SolvedPlant(plant_file_yaml(spec, r), request);
}

PricedPlant priced_plant(const SeparateSpec& spec, const SeparateResult& r,
                         const SolvedPlant& solved, std::size_t country, double min_recovery)
{
    const PlantCountryCost& pc = solved.study.countries.at(country);
    PricedPlant p;
    p.sequence = sequence_of(r);
    p.design = r;
    p.plant_yaml = solved.yaml;
    p.cost = pc.plant;
    p.total_stages = r.total_stages;
    for (std::size_t c = 0; c < r.cascades.size(); ++c) {
        const DesignResult& d = r.cascades[c].design;
        const CaseSpec cas = parse_case(InputNode::load_string(d.case_yaml, "a plant's cascade"));
        p.cascades.push_back(
            {.split = r.cascades[c].split,
             .s = d.s,
             .s_over_s_min = d.s / d.theory.s_min,
             .n = d.n,
             .m = d.m,
             .strip = d.strip,
             .purity_a = d.purity_a,
             .purity_b = d.purity_b,
             .target_a = d.targets.purity_a,
             .target_b = d.targets.purity_b,
             .annual_cost_usd_per_year = pc.cascades.at(c).annual_cost_usd_per_year,
             .scrub_acid_mol_per_L = cas.scrub ? cas.scrub->acid_mol_per_L : 0.0,
             .saponification = cas.organic.saponification.value_or(0.0),
             .strip_acid_mol_per_L =
                 cas.strip && cas.stages_strip > 0 ? cas.strip->acid_mol_per_L : 0.0,
             .extractant_mol_per_L = cas.organic.extractant_mol_per_L.value_or(0.0),
             .case_yaml = d.case_yaml});
    }
    // Products: each cascade's annual cost shared by the final products below it by REO mass.
    const double hours = pc.plant.operating_hours_per_year;
    std::vector<std::vector<int>> chains;  // the cascades (0-based) each product passes through
    std::vector<double> kg;
    for (const auto& prod : r.products) {
        std::vector<int> chain;
        for (int c = prod.cascade; c > 0; c = r.cascades[c - 1].feed_cascade) {
            chain.push_back(c - 1);
        }
        chains.push_back(chain);
        // The product as the plant simulation makes it (the plant file names it so).
        double kg_per_h = prod.kg_reo_per_h, purity = prod.purity, recovery = prod.recovery;
        for (const auto& s : solved.result.products) {
            if (s.name == prod.name) {
                kg_per_h = 0.0;
                for (int e = 0; e < num_elements; ++e) {
                    kg_per_h += s.value.mol_per_h[e] * oxide_kg_per_mol(e);
                }
                purity = s.purity;
                double own = 0.0, fed = 0.0;
                for (const int e : prod.elements) {
                    own += s.value.mol_per_h[e];
                    fed += solved.result.feed_mol_per_h[e];
                }
                recovery = fed > 0.0 ? own / fed : recovery;
            }
        }
        kg.push_back(kg_per_h * hours);
        p.products.push_back({.name = prod.name,
                              .purity = purity,
                              .recovery = recovery,
                              .target = spec.purity,
                              .recovery_target = min_recovery,
                              .reo_kg_per_year = kg_per_h * hours,
                              .annual_cost_usd_per_year = 0.0,
                              .cost_usd_per_kg = 0.0,
                              .cascades = static_cast<int>(chain.size())});
    }
    for (std::size_t c = 0; c < r.cascades.size(); ++c) {
        double through = 0.0;
        for (std::size_t q = 0; q < chains.size(); ++q) {
            if (std::find(chains[q].begin(), chains[q].end(), static_cast<int>(c)) !=
                chains[q].end()) {
                through += kg[q];
            }
        }
        for (std::size_t q = 0; q < chains.size() && through > 0.0; ++q) {
            if (std::find(chains[q].begin(), chains[q].end(), static_cast<int>(c)) !=
                chains[q].end()) {
                p.products[q].annual_cost_usd_per_year +=
                    p.cascades[c].annual_cost_usd_per_year * kg[q] / through;
            }
        }
    }
    double total_kg = 0.0;
    p.meets_targets = true;
    for (auto& prod : p.products) {
        prod.cost_usd_per_kg =
            prod.reo_kg_per_year > 0.0 ? prod.annual_cost_usd_per_year / prod.reo_kg_per_year : 0.0;
        total_kg += prod.reo_kg_per_year;
        p.meets_targets =
            p.meets_targets && prod.purity >= prod.target && prod.recovery >= prod.recovery_target;
    }
    p.cost_usd_per_kg =
        total_kg > 0.0 ? pc.plant.annual_cost_usd_per_year / total_kg : infinite_cost;
    return p;
}

CostSetup cut_setup(const SeparateSpec& spec, const CostRequest& request)
{
    CostSetup setup = parse_cost_mapping(std::nullopt, spec.system.name, {});
    apply_request(setup, request);
    return setup;
}

PlantCountryOptimum optimize_country_plant(const SeparateSpec& spec,
                                           const PlantOptimizeOptions& options,
                                           const std::string& code, const SeparateResult& baseline,
                                           const SolvedPlant& baseline_solved, std::size_t index,
                                           const std::function<void(const std::string&)>& progress)
{
    const auto start = std::chrono::steady_clock::now();
    CostRequest request = options.request;
    request.countries = {code};
    const CostSetup setup = cut_setup(spec, request);
    const CostModel model(setup, placeholder_streams(spec));
    const Region& region = model.region(code);
    CountryWork work;
    SeparateHooks hooks;
    hooks.cut_cost = [&](const SequenceCut& cut) { return shortcut_cut_cost(cut, model, region); };
    hooks.design = [&](const DesignSpec& d) {
        return optimized_cut(d, setup, code, options, work);
    };
    hooks.sequence_note =
        "sequence chosen by the annual cost in " + code +
        " of each cut's short-cut design at its cheapest reflux; every cascade then optimized "
        "for " +
        code + " (reesx optimize) and the plant simulated rigorously";
    hooks.compare_independent = false;
    // The purity budget: every product's allowance net of its losses, the end products' whole
    // at their one cut, the interior ones' shared by the short-cut cost (or half each).
    hooks.budget = PurityBudget{};
    hooks.budget->min_recovery = options.min_recovery;
    if (options.choose_budget) {
        hooks.budget = choose_purity_budget(spec, hooks);
    }
    int plant_solves = 0;
    const auto build = [&](bool linked) {
        SeparateSpec variant = spec;
        variant.linked = linked;
        const SeparateResult plant = separate(variant, progress, hooks);
        const SolvedPlant solved = solve_and_cost(variant, plant, request);
        plant_solves += solved.result.cascade_solves;
        PricedPlant p = priced_plant(variant, plant, solved, 0, options.min_recovery);
        p.linked = linked;
        return p;
    };
    const auto short_products = [](const PricedPlant& p) {
        std::vector<ProductPurity> found;
        for (std::size_t q = 0; q < p.products.size(); ++q) {
            found.push_back({.elements = p.design.products.at(q).elements,
                             .purity = p.products[q].purity,
                             .target = p.products[q].target,
                             .recovery = p.products[q].recovery,
                             .recovery_target = p.products[q].recovery_target});
        }
        return found;
    };

    PlantCountryOptimum out;
    out.code = code;
    out.name = region.name;
    // Independent cascades, rebuilt with a tighter allowance for a product that the plant's
    // simulation finds short (the cuts are designed to their targets with no margin, and a
    // product's impurity comes from two of them); then, where a cascade's more extractable
    // side is split again, the same sequence linked (its organic-fed cascades designed by
    // separate's rule, then optimized): the cheaper of the two that meet their purities.
    auto plant_start = static_cast<std::ptrdiff_t>(work.warnings.size());
    out.optimum = build(false);
    for (int round = 0; round < options.budget_corrections && !out.optimum.meets_targets; ++round) {
        if (tighten_purity_budget(*hooks.budget, out.optimum.design.product_groups,
                                  short_products(out.optimum)) == 0) {
            break;
        }
        ++out.budget.corrections;
        work.warnings.erase(work.warnings.begin() + plant_start, work.warnings.end());
        plant_start = static_cast<std::ptrdiff_t>(work.warnings.size());
        out.optimum = build(false);
    }
    PlantLinking& link = out.linking;
    link.independent_usd_per_kg = out.optimum.cost_usd_per_kg;
    link.independent_meets_targets = out.optimum.meets_targets;
    for (const auto& c : out.optimum.design.cascades) {
        link.linkable = link.linkable || c.product_a_to == "next cascade";
    }
    // The warnings of the plant not returned are dropped.
    const auto independent_warnings = static_cast<std::ptrdiff_t>(work.warnings.size());
    if (link.linkable) {
        PricedPlant linked = build(true);
        link.linked_usd_per_kg = linked.cost_usd_per_kg;
        link.linked_meets_targets = linked.meets_targets;
        link.linked_chosen =
            linked.meets_targets &&
            (!out.optimum.meets_targets || linked.cost_usd_per_kg < out.optimum.cost_usd_per_kg);
        if (link.linked_chosen) {
            out.optimum = std::move(linked);
            work.warnings.erase(work.warnings.begin() + plant_start,
                                work.warnings.begin() + independent_warnings);
        } else {
            work.warnings.erase(work.warnings.begin() + independent_warnings, work.warnings.end());
        }
    }
    const PurityBudget& used = *hooks.budget;
    out.budget.chosen = options.choose_budget;
    for (std::size_t g = 0; g < out.optimum.design.product_groups.size(); ++g) {
        const auto& group = out.optimum.design.product_groups[g];
        std::string name;
        for (const auto& prod : out.optimum.design.products) {
            name = prod.elements == group ? prod.name : name;
        }
        out.budget.products.push_back(name);
        const bool first = g == 0, last = g + 1 == out.optimum.design.product_groups.size();
        // The end products give their one cut the whole allowance.
        out.budget.lower_share.push_back(
            first  ? 0.0
            : last ? 1.0
                   : (used.lower_share.size() > g ? used.lower_share[g] : 0.5));
        out.budget.scale.push_back(used.scale.size() > g ? used.scale[g] : 1.0);
    }
    out.baseline = priced_plant(spec, baseline, baseline_solved, index, options.min_recovery);
    out.baseline.linked = spec.linked;
    out.simulations = work.simulations + plant_solves;
    out.warnings = work.warnings;
    if (!out.optimum.meets_targets) {
        out.warnings.push_back(
            options.min_recovery > 0.0
                ? "a product of the optimized plant misses its purity or recovery in the "
                  "plant's simulation"
                : "a product of the optimized plant misses its purity in the plant's "
                  "simulation");
    }
    // Separate's default knows no recovery target: a dearer optimum that meets its targets
    // is kept over a default that does not.
    if ((out.baseline.meets_targets || !out.optimum.meets_targets) &&
        (!(out.optimum.cost_usd_per_kg <= out.baseline.cost_usd_per_kg) ||
         (!out.optimum.meets_targets && out.baseline.meets_targets))) {
        out.warnings.push_back(
            "the optimized plant is not cheaper than separate's default plant here; the default "
            "is returned");
        out.optimum = out.baseline;
        out.baseline_returned = true;
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace

PlantOptimizeResult optimize_plant(const SeparateSpec& spec, const PlantOptimizeOptions& options,
                                   const std::function<void(const std::string&)>& progress)
{
    const auto start = std::chrono::steady_clock::now();
    PlantOptimizeResult result;
    result.purity = spec.purity;
    result.min_recovery = options.min_recovery;
    result.extraction_side = options.extraction_side;
    result.bounds = options.bounds;
    CostRequest request = options.request;
    if (request.countries.empty()) {
        const CostData data = builtin_cost_data();
        if (data.regions.empty()) {
            throw InputError("the cost data has no country");
        }
        request.countries = {data.regions.front().code};
    }
    const std::vector<std::string> codes = request.countries;
    {
        const CostSetup setup = cut_setup(spec, request);
        const CostModel check(setup, placeholder_streams(spec));
        for (const auto& code : codes) {
            (void)check.region(code);  // InputError naming the known codes
        }
    }
    // Separate's default plant, once: every country prices it as its baseline.
    if (progress) {
        progress("separate's default plant (the baseline):");
    }
    const SeparateResult baseline = separate(spec, progress);
    const SolvedPlant baseline_solved = solve_and_cost(spec, baseline, request);

    result.countries.resize(codes.size());
    const int threads =
        std::min(static_cast<int>(codes.size()),
                 options.threads > 0 ? options.threads : static_cast<int>(codes.size()));
    // Progress only from a single thread: the countries' lines would interleave.
    const bool report = threads == 1 && progress;
    for_each_sample(static_cast<int>(codes.size()), threads, [&](int k) {
        const auto i = static_cast<std::size_t>(k);
        if (report) {
            progress(codes[i] + ": the plant optimized for its prices:");
        }
        result.countries[i] =
            optimize_country_plant(spec, options, codes[i], baseline, baseline_solved, i,
                                   report ? progress : std::function<void(const std::string&)>{});
    });

    // The gap to the reference country: its optimal plant at each country's prices.
    std::size_t ref = 0;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        if (codes[i] == "CN-NM") {
            ref = i;
        }
    }
    const PlantCountryOptimum& reference = result.countries[ref];
    result.reference = reference.code;
    SeparateSpec ref_spec = spec;
    ref_spec.linked = reference.optimum.linked;
    const SolvedPlant ref_plant = solve_and_cost(ref_spec, reference.optimum.design, request);
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const PlantCountryOptimum& c = result.countries[i];
        const double ref_cost = reference.optimum.cost_usd_per_kg;
        const double ref_here =
            priced_plant(ref_spec, reference.optimum.design, ref_plant, i, options.min_recovery)
                .cost_usd_per_kg;
        CostGap g;
        g.code = c.code;
        g.gap_usd_per_kg = c.optimum.cost_usd_per_kg - ref_cost;
        g.prices_usd_per_kg = ref_here - ref_cost;
        g.design_usd_per_kg = c.optimum.cost_usd_per_kg - ref_here;
        g.ratio = c.optimum.cost_usd_per_kg / ref_cost;
        result.gaps.push_back(g);
        if (progress) {
            progress(c.code + ": " + std::to_string(c.optimum.design.cascades.size()) +
                     " cascades, " + std::to_string(c.optimum.total_stages) + " stages, " +
                     std::to_string(c.simulations) + " simulations");
        }
    }
    result.warnings = spec.warnings;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace reesx::costs
