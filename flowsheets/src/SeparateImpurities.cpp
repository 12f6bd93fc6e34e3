// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/SeparateImpurities.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>

#include "CaseImpurities.h"
#include "ImpurityAdvice.h"
#include "SeparateRemovalCuts.h"
#include "reesx/core/Error.h"
#include "reesx/flowsheets/Plant.h"
#include "reesx/flowsheets/Separate.h"
#include "reesx/thermo/Impurities.h"

namespace reesx {
namespace {

// The removal step's conditions, per litre of plant feed: those of
// examples/plant-thorium-removal.yaml (a pre-extraction of Th(IV) with unsaponified D2EHPA,
// chemistry notes: Th is extracted from 1-6 mol/L HCl, the light rare earths only above
// pH 0.5). All design estimates, not a plant's flowsheet.
constexpr const char* removal_system = "p204-hcl";
constexpr double feed_acid_mol_per_L = 1.0;   // HCl the liquor is brought to
constexpr double organic_per_feed = 0.3;      // O/A of the extraction section
constexpr double extractant_mol_per_L = 0.6;  // 20 vol % D2EHPA
constexpr double scrub_per_feed = 0.2;        // scrub liquor per feed, L/L
constexpr double scrub_acid_mol_per_L = 1.5;  // HCl
constexpr double strip_per_feed = 0.1;        // strip acid per feed, L/L
constexpr double strip_acid_mol_per_L = 6.0;  // HCl; Th(IV) strips from strong acid
constexpr int strip_stages = 3;
constexpr int max_extraction_stages = 12;
constexpr int max_scrub_stages = 8;
// Rare earths the step may lose to the impurity liquor before its scrub is lengthened.
constexpr double re_loss_target = 1e-3;

std::string number(double x)
{
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", x);
    return text;
}

std::string short_number(double x)
{
    char text[40];
    std::snprintf(text, sizeof text, "%g", x);
    return text;
}

std::string number_text(double x)
{
    char text[40];
    std::snprintf(text, sizeof text, "%.8g", x);
    return text;
}

std::string percent_text(double fraction)
{
    char text[40];
    std::snprintf(text, sizeof text, "%.3g %%", fraction * 100.0);
    return text;
}

std::string ppm_text(double ppm)
{
    char text[40];
    std::snprintf(text, sizeof text, ppm < 10.0 ? "%.2g ppm" : "%.0f ppm", ppm);
    return text;
}

double ppm_reo(int species, double mol_per_h, double reo_kg_per_h)
{
    return reo_kg_per_h > 0.0
               ? mol_per_h * species_oxide_g_per_mol(species) / 1e3 / reo_kg_per_h * 1e6
               : 0.0;
}

//! The ion's pH½ with `system` (its own name, else its base's built-in data); nullopt
//! without data.
std::optional<ImpurityExtraction> extraction_data(const ExtractionSystem& system, int species)
{
    if (auto x = builtin_impurity_extraction(system.name, species)) {
        return x;
    }
    if (!system.base_name.empty()) {
        return builtin_impurity_extraction(system.base_name, species);
    }
    return std::nullopt;
}

//! The product (index into plant.products) each ion follows through the cuts: every cut
//! sends it to the side its pH½ places it on in the extraction order (a sharp split), so it
//! ends beside the rare earth just less extractable than itself. A rare earth's pH½ is the
//! mass-action one, pH½ = -log10 Kex / 3 - log10(C / 2), at the ion's reference extractant
//! concentration C. -1 without the data.
int destination_product(const ExtractionSystem& system, const SeparateResult& plant, int species)
{
    const auto ion = extraction_data(system, species);
    if (!ion || !system.log10_kex_reference) {
        return -1;
    }
    const double shift = std::log10(ion->extractant_mol_per_L / 2.0);
    int weaker = -1;  // the most extractable rare earth that is still weaker than the ion
    for (const int e : system.extraction_order()) {
        const double ph_half =
            -(system.log10_kex_reference->value + system.log10_k(e)) / 3.0 - shift;
        bool in_plant = false;
        for (const auto& p : plant.products) {
            in_plant =
                in_plant || std::find(p.elements.begin(), p.elements.end(), e) != p.elements.end();
        }
        if (in_plant && ph_half > ion->ph_half) {
            weaker = e;
        }
    }
    for (std::size_t p = 0; p < plant.products.size(); ++p) {
        const auto& elements = plant.products[p].elements;
        if (weaker < 0 ? p == 0
                       : std::find(elements.begin(), elements.end(), weaker) != elements.end()) {
            return static_cast<int>(p);
        }
    }
    return -1;
}

//! The removal step with n extraction and m scrub stages as a case file.
std::string removal_case_yaml(const SeparateSpec& spec, int n, int m)
{
    const double feed_L_per_h = spec.feed_re_mol_per_h / spec.feed_concentration_mol_per_L;
    std::string y = "schema: 1\nname: impurity removal ahead of the rare-earth cuts\n";
    y += std::string("system: ") + removal_system + "\nmodel: mass-action\n";
    y += "stages: {extraction: " + std::to_string(n) + ", scrub: " + std::to_string(m) +
         ", strip: " + std::to_string(strip_stages) + "}\n";
    y += "feed:\n  phase: aqueous\n  flow: " + number(feed_L_per_h) + " L/h\n";
    y += "  concentration: " + number(spec.feed_concentration_mol_per_L) + " mol/L\n";
    y += "  acid: " + number(feed_acid_mol_per_L) + " mol/L\n  composition: {";
    bool first = true;
    for (int e = 0; e < num_elements; ++e) {
        if (spec.feed.mole_fraction[e] > 0.0) {
            y += std::string(first ? "" : ", ") + std::string(elements()[e].symbol) + ": " +
                 number(spec.feed.mole_fraction[e]);
            first = false;
        }
    }
    y += "}\n  impurities: {";
    first = true;
    for (int k = 0; k < num_impurities; ++k) {
        const double c = spec.impurities->feed_mol_per_L[static_cast<std::size_t>(k)];
        if (c > 0.0) {
            y += std::string(first ? "" : ", ") + species_symbol(num_elements + k) + ": " +
                 number(c) + " mol/L";
            first = false;
        }
    }
    y += "}\n";
    y += "organic: {flow: " + number(organic_per_feed * feed_L_per_h) +
         " L/h, extractant-concentration: " + number(extractant_mol_per_L) + " mol/L}\n";
    y += "scrub: {flow: " + number(scrub_per_feed * feed_L_per_h) +
         " L/h, acid: " + number(scrub_acid_mol_per_L) + " mol/L}\n";
    y += "strip: {flow: " + number(strip_per_feed * feed_L_per_h) +
         " L/h, acid: " + number(strip_acid_mol_per_L) + " mol/L}\n";
    return y;
}

struct Trial {
    std::string yaml;
    CascadeResult result;
};

Trial simulate(const SeparateSpec& spec, int n, int m, int& simulations)
{
    Trial t;
    t.yaml = removal_case_yaml(spec, n, m);
    const CaseSpec c =
        parse_case(InputNode::load_string(t.yaml, "impurity removal step (generated)"));
    Cascade cascade(c);
    t.result = cascade.solve();
    ++simulations;
    return t;
}

const ProductResult& raffinate(const CascadeResult& r)
{
    for (const auto& p : r.products) {
        if (p.name == "raffinate") {
            return p;
        }
    }
    throw Error("the impurity removal step has no raffinate");
}

double re_loss(const CascadeResult& r)
{
    double feed = 0.0;
    for (int e = 0; e < num_elements; ++e) {
        feed += r.feed_mol_per_h[e];
    }
    return feed > 0.0 ? 1.0 - raffinate(r).re_mol_per_h / feed : 0.0;
}

//! Follows the ions through the plant file `separate` writes (the step, when built, feeding
//! the cuts, which route each ion to its product): each ion's ppm is then that plant's, as
//! `reesx run` of the plant file gives it (the cuts take the step's raffinate, not the feed).
void follow_through_plant(const SeparateSpec& spec, const SeparateResult& plant,
                          ImpurityRemoval& out)
{
    if (out.fates.empty()) {
        return;
    }
    const PlantSpec file = parse_plant(InputNode::load_string(
        plant_file_yaml(spec, plant, &out), "the separated plant with its impurity ions"));
    const PlantResult solved = solve_plant(file);
    out.plant_product_purity.clear();
    for (const auto& product : plant.products) {
        for (const auto& p : solved.products) {
            if (p.name == product.name) {
                out.plant_product_purity.push_back(p.purity);
            }
        }
    }
    for (auto& f : out.fates) {
        const auto k = static_cast<std::size_t>(f.species - num_elements);
        if (f.product < 0) {
            f.ppm_reo = ppm_reo(f.species, f.re_stream_mol_per_h, solved.product_kg_reo_per_h);
        } else {
            const std::string& name = plant.products[static_cast<std::size_t>(f.product)].name;
            for (const auto& p : solved.products) {
                if (p.name == name) {
                    f.ppm_reo = p.impurity_ppm_reo[k];
                }
            }
        }
        f.meets_limit = f.ppm_reo <= out.limit_ppm_reo;
    }
}

}  // namespace

std::optional<SeparateImpurities> parse_separate_impurities(const InputNode& root)
{
    if (!root.has("impurities")) {
        if (root.has("impurity-limit")) {
            root.at("impurity-limit")
                .fail(
                    "an impurity limit needs impurities in the feed: give them as impurities: "
                    "{Th4+: 200 mg/L, Fe3+: 40 mg/L}");
        }
        return std::nullopt;
    }
    FeedSpec feed;  // aqueous: the plant feed is a leach liquor
    parse_feed_impurities(root, feed);
    SeparateImpurities s;
    s.feed_mol_per_L = feed.impurity_mol_per_L;
    if (const auto node = root.find("impurity-limit")) {
        // A limit on the products' oxides, as specifications quote it.
        static const std::regex pattern(
            R"(\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ppm|mg/kg|%)\s*)");
        std::smatch match;
        const std::string text = node->as_string();
        if (!std::regex_match(text, match, pattern)) {
            node->fail(
                "expected the impurity limit with a unit of mass per mass of REO: "
                "'10 ppm', '10 mg/kg' or '0.001 %', got '" +
                text + "'");
        }
        const double value = std::stod(match[1].str());
        const double ppm = match[2].str() == "%" ? value * 1e4 : value;
        if (!(ppm > 0.0 && ppm <= 1e5)) {
            node->fail(
                "the impurity limit must be above 0 and at most 10 % (100000 ppm) of the "
                "REO, got " +
                text);
        }
        s.limit_ppm_reo = ppm;
        s.limit_given = true;
    }
    return s;
}

ImpurityRemoval design_impurity_removal(const SeparateSpec& spec, const SeparateResult& plant,
                                        const std::function<void(const std::string&)>& progress)
{
    ImpurityRemoval out;
    out.system = removal_system;
    out.limit_ppm_reo = spec.impurities->limit_ppm_reo;
    const double feed_L_per_h = spec.feed_re_mol_per_h / spec.feed_concentration_mol_per_L;
    double plant_reo_kg_per_h = 0.0;
    for (const auto& p : plant.products) {
        plant_reo_kg_per_h += p.kg_reo_per_h;
    }
    // The REO each ion's content is judged against: its destination product's.
    const auto basis_kg_per_h = [&](const ImpurityFate& f) {
        return f.product >= 0 ? plant.products[static_cast<std::size_t>(f.product)].kg_reo_per_h
                              : plant_reo_kg_per_h;
    };
    for (int k = 0; k < num_impurities; ++k) {
        const double c = spec.impurities->feed_mol_per_L[static_cast<std::size_t>(k)];
        if (c > 0.0) {
            ImpurityFate f;
            f.species = num_elements + k;
            f.feed_mol_per_h = c * feed_L_per_h;
            f.re_stream_mol_per_h = f.feed_mol_per_h;
            f.product = destination_product(spec.system, plant, f.species);
            out.fates.push_back(f);
        }
    }
    const auto set_content = [&](const CascadeResult* r) {
        for (auto& f : out.fates) {
            if (r) {
                f.re_stream_mol_per_h = raffinate(*r).mol_per_h[f.species];
                // Rounding leaves a not-taken ion a few 1e-16 of its feed either side of zero.
                f.removed_mol_per_h = std::max(f.feed_mol_per_h - f.re_stream_mol_per_h, 0.0);
            }
            f.ppm_reo = ppm_reo(f.species, f.re_stream_mol_per_h, basis_kg_per_h(f));
            f.meets_limit = f.ppm_reo <= out.limit_ppm_reo;
        }
    };
    set_content(nullptr);
    std::vector<bool> above_in_feed;
    for (const auto& f : out.fates) {
        above_in_feed.push_back(!f.meets_limit);
    }
    const bool any_above = std::any_of(out.fates.begin(), out.fates.end(),
                                       [](const ImpurityFate& f) { return !f.meets_limit; });
    if (!any_above) {
        out.notes.push_back("every impurity ion is within " + ppm_text(out.limit_ppm_reo) +
                            " of its product's REO without a removal step: none is built");
        follow_through_plant(spec, plant, out);
        return out;
    }
    // Which ions the step can take: those it brings within the limit at its longest.
    if (progress) {
        progress("impurity removal: " + std::string(removal_system) + " pre-extraction, " +
                 std::to_string(max_extraction_stages) + " extraction stages");
    }
    Trial longest = simulate(spec, max_extraction_stages, 4, out.simulations);
    set_content(&longest.result);
    for (std::size_t i = 0; i < out.fates.size(); ++i) {
        out.fates[i].removable = above_in_feed[i] && out.fates[i].meets_limit;
    }
    const bool any_removable = std::any_of(out.fates.begin(), out.fates.end(),
                                           [](const ImpurityFate& f) { return f.removable; });
    const auto removable_met = [&]() {
        return std::all_of(out.fates.begin(), out.fates.end(),
                           [](const ImpurityFate& f) { return !f.removable || f.meets_limit; });
    };
    std::optional<Trial> chosen;
    if (any_removable) {
        for (int n = 1; n <= max_extraction_stages && !chosen; ++n) {
            Trial t = n == max_extraction_stages ? longest : simulate(spec, n, 4, out.simulations);
            set_content(&t.result);
            if (removable_met()) {
                out.extraction_stages = n;
                chosen = std::move(t);
            }
        }
        // The scrub: the fewest stages that keep the rare earths' loss to the impurity liquor
        // below re_loss_target without losing the limit, else the longest tried.
        std::optional<Trial> scrubbed;
        for (int m = 1; m <= max_scrub_stages && !scrubbed; ++m) {
            Trial t = m == 4 ? *chosen : simulate(spec, out.extraction_stages, m, out.simulations);
            set_content(&t.result);
            if (removable_met() && (re_loss(t.result) <= re_loss_target || m == max_scrub_stages)) {
                out.scrub_stages = m;
                scrubbed = std::move(t);
            }
        }
        if (!scrubbed) {  // the limit needs the 4-stage scrub of the sizing
            out.scrub_stages = 4;
            scrubbed = std::move(chosen);
        }
        out.built = true;
        out.strip_stages = strip_stages;
        out.case_yaml = scrubbed->yaml;
        out.simulation = std::move(scrubbed->result);
        set_content(&out.simulation);
        out.re_loss_fraction = re_loss(out.simulation);
        for (const auto& w : out.simulation.warnings) {
            out.warnings.push_back("impurity removal step: " + w);
        }
        if (out.re_loss_fraction > re_loss_target) {
            out.warnings.push_back(
                "the impurity removal step loses " + percent_text(out.re_loss_fraction) +
                " of the rare earths to the impurity liquor even with " +
                std::to_string(out.scrub_stages) +
                " scrub stages (D2EHPA at 1 mol/L HCl extracts the heavier rare earths with "
                "the impurities): recover them from that liquor, or remove the ions otherwise");
        }
        out.notes.push_back(
            "impurity removal ahead of the cuts: " + std::string(removal_system) +
            " (unsaponified D2EHPA " + short_number(extractant_mol_per_L) + " mol/L, O/A " +
            short_number(organic_per_feed) + ") on the feed at " +
            short_number(feed_acid_mol_per_L) + " mol/L HCl, " +
            std::to_string(out.extraction_stages) + " extraction + " +
            std::to_string(out.scrub_stages) + " scrub + " + std::to_string(strip_stages) +
            " strip stages sized for " + ppm_text(out.limit_ppm_reo) +
            " of each ion's product REO; its raffinate, the rare-earth stream, is the plant "
            "feed of the cuts, which are designed for its rare earths (the feed less what the "
            "step takes)");
    } else {
        for (auto& f : out.fates) {  // no step: every ion goes on with the rare earths
            f.re_stream_mol_per_h = f.feed_mol_per_h;
            f.removed_mol_per_h = 0.0;
        }
        set_content(nullptr);
        out.notes.push_back(
            "no removal step is built: the D2EHPA pre-extraction does not bring any ion above "
            "the limit within it");
    }
    follow_through_plant(spec, plant, out);
    for (std::size_t p = 0; p < out.plant_product_purity.size(); ++p) {
        if (out.built && out.plant_product_purity[p] < spec.purity) {
            out.warnings.push_back(
                "product " + plant.products[p].name + " comes out at purity " +
                number_text(out.plant_product_purity[p]) + ", below the target " +
                number_text(spec.purity) +
                ", in the plant with the removal step (as `reesx run` of the --plant-file "
                "solves it: the cuts take the step's raffinate, more dilute and acid than the "
                "feed they are designed for); raise --purity a little");
        }
    }
    for (auto& f : out.fates) {
        f.advice = f.meets_limit ? "" : impurity_removal_advice(f.species, f.product == 0);
    }
    for (const auto& f : out.fates) {
        const std::string ion = species_symbol(f.species);
        const std::string where =
            f.product >= 0
                ? "the " + plant.products[static_cast<std::size_t>(f.product)].name + " product"
                : "the rare-earth stream";
        if (f.product < 0) {
            out.warnings.push_back(
                ion + ": system '" + spec.system.name +
                "' has no pH½ (or no mass-action constant) for it, so where it leaves the cuts "
                "is not known; its ppm is of the whole plant's REO");
        }
        if (!f.meets_limit) {
            const double removed = f.removed_mol_per_h / f.feed_mol_per_h;
            out.warnings.push_back(
                ion + " cannot be removed to " + ppm_text(out.limit_ppm_reo) +
                " with this chemistry: the " + std::string(removal_system) +
                " pre-extraction at 1 mol/L HCl takes " + percent_text(removed) +
                " of it (it is not more extractable than the rare earths there), and it leaves "
                "with " +
                where + " at " + ppm_text(f.ppm_reo) + " " +
                std::string(
                    impurities()[static_cast<std::size_t>(f.species - num_elements)].oxide) +
                "; " + f.advice + "; or raise the limit");
        }
    }
    return out;
}

void design_removal_and_cuts(const SeparateSpec& spec, const std::array<double, num_elements>& feed,
                             std::array<double, num_elements>& cut_feed, SeparateResult& result,
                             const std::function<void()>& build_plant,
                             const std::function<void(const std::string&)>& progress)
{
    constexpr int max_rounds = 3;
    std::string cuts_designed_after;  // the step's case the cuts are designed for; "": none
    result.impurity_removal = design_impurity_removal(spec, result, progress);
    result.simulations += result.impurity_removal->simulations;
    for (int round = 0; round < max_rounds; ++round) {
        const ImpurityRemoval& removal = *result.impurity_removal;
        const std::string step = removal.built ? removal.case_yaml : "";
        if (step == cuts_designed_after) {
            break;
        }
        cuts_designed_after = step;
        cut_feed = feed;
        if (removal.built) {
            for (const auto& p : removal.simulation.products) {
                if (p.name == "raffinate") {
                    std::copy_n(p.mol_per_h.begin(), num_elements, cut_feed.begin());
                }
            }
        }
        if (progress) {
            progress(removal.built ? "the cuts designed again for the removal step's raffinate:"
                                   : "the cuts designed again for the plant feed:");
        }
        build_plant();
        result.impurity_removal = design_impurity_removal(spec, result, progress);
        result.simulations += result.impurity_removal->simulations;
    }
    const ImpurityRemoval& removal = *result.impurity_removal;
    if ((removal.built ? removal.case_yaml : "") != cuts_designed_after) {
        result.impurity_removal->warnings.push_back(
            "the impurity removal step and the cuts did not settle in " +
            std::to_string(max_rounds) +
            " designs: the cuts are designed for the rare earths of an earlier step's "
            "raffinate; check the products' purities in `reesx run` of the --plant-file");
    }
}

}  // namespace reesx
