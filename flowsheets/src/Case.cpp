// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/Case.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>

#include "CaseImpurities.h"
#include "reesx/thermo/Feeds.h"

namespace reesx {
namespace {

//! Feed concentrations: below the first nothing is left to separate (an input error), below
//! the second a unit is probably wrong (a warning), mol/L.
constexpr double min_feed_mol_per_L = 1e-9;
constexpr double dilute_feed_mol_per_L = 1e-3;

//! A stream's flow, L/h, in [1e-6, 1e12]: below a microlitre per hour nothing flows, and the
//! kg of product and the reagents per kg leave the range of floating point.
double parse_flow(const InputNode& node)
{
    const double flow = node.as_quantity_in(Quantity::flow, "L/h", 0.0, 1e12, false);
    if (flow < 1e-6) {
        node.fail("a flow of " + node.text() +
                  " is below 1e-6 L/h: nothing flows; give the flow, e.g. 100 L/h, and check "
                  "its unit");
    }
    return flow;
}

Phase parse_phase(const InputNode& node)
{
    const std::string text = node.as_string();
    if (text == "aqueous") {
        return Phase::aqueous;
    }
    if (text == "organic") {
        return Phase::organic;
    }
    node.fail("expected 'aqueous' or 'organic', found '" + text + "'");
}

//! `flow_from_reflux`: the flow is set later from reflux.W and must not be given here.
AcidStreamSpec parse_acid_stream(const InputNode& node, bool acid_required,
                                 bool flow_from_reflux = false)
{
    node.check_keys({"flow", "acid"});
    AcidStreamSpec s;
    if (!flow_from_reflux) {
        s.flow_L_per_h = parse_flow(node.at("flow"));
    } else if (const auto flow = node.find("flow")) {
        flow->fail("give either the scrub flow or reflux.W, not both");
    }
    if (auto acid = node.find("acid")) {
        s.acid_mol_per_L = acid->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 15.0);
    } else if (acid_required) {
        node.fail(
            "missing key 'acid' (HCl concentration, e.g. acid: 4.0 mol/L): the "
            "separation-factor model needs it to know how much RE the acid strips");
    }
    return s;
}

std::vector<int> feed_components(const std::vector<FeedSpec>& feeds)
{
    std::vector<int> components;
    for (int e = 0; e < num_elements; ++e) {
        for (const auto& f : feeds) {
            if (f.mole_fraction[e] > 0.0) {
                components.push_back(e);
                break;
            }
        }
    }
    for (int k = 0; k < num_impurities; ++k) {
        for (const auto& f : feeds) {
            if (f.impurity_mol_per_L[static_cast<std::size_t>(k)] > 0.0) {
                components.push_back(num_elements + k);
                break;
            }
        }
    }
    return components;
}

//! The separation-factor model needs every component's extractability.
void check_system_covers(const CaseSpec& spec)
{
    for (int e : spec.components) {
        if (is_rare_earth(e) && !spec.system.has(e)) {
            spec.root->at("system").fail("the system '" + spec.system.name +
                                         "' has no extractability for " +
                                         std::string(elements()[e].symbol) +
                                         ", which is in the feed; add it under "
                                         "log10-extractability");
        }
    }
}

std::shared_ptr<EquilibriumModel> make_model(const CaseSpec& spec)
{
    // The case's `model` node where it names spec.model_name (its errors then point at it);
    // the name alone where a caller chose another model (the acidity models' start solves
    // the separation-factor cascade of the same case).
    const InputNode& root = *spec.root;
    const std::string name =
        spec.model_name.empty()
            ? (root.has("model") ? root.at("model").as_string() : std::string("separation-factor"))
            : spec.model_name;
    const InputNode model_name = root.has("model") && root.at("model").as_string() == name
                                     ? root.at("model")
                                     : InputNode::load_string(name, spec.source_file);
    return make_equilibrium_model(model_name, spec.components, spec.system, root);
}

}  // namespace

void set_components(CaseSpec& spec)
{
    spec.components = feed_components(spec.feeds);
    if (spec.model_name == "separation-factor") {
        check_system_covers(spec);
    }
    spec.model = make_model(spec);
}

ExtractionSystem parse_system_reference(const InputNode& node, const std::string& case_dir)
{
    if (node.is_scalar()) {
        const std::string text = node.as_string();
        if (text.ends_with(".yaml") || text.ends_with(".yml")) {
            const auto path = std::filesystem::path(case_dir) / text;
            return load_system_file(path.string());
        }
        try {
            return builtin_system(text);
        } catch (const InputError& e) {
            node.fail(e.what());
        }
    }
    if (!node.is_map()) {
        node.fail(
            "expected a built-in system name (reesx systems), a system file, or an "
            "inline mapping with log10-extractability");
    }
    // An inline system may start from a built-in one (`base:`) and override values.
    return parse_system(node);
}

std::string_view phase_name(Phase phase)
{
    return phase == Phase::aqueous ? "aqueous" : "organic";
}

std::string_view section_name(Section section)
{
    switch (section) {
        case Section::extraction:
            return "extraction";
        case Section::scrub:
            return "scrub";
        case Section::strip:
            return "strip";
    }
    return "";
}

Section CaseSpec::section_of(int stage_index) const
{
    if (stage_index < stages_extraction) {
        return Section::extraction;
    }
    return stage_index < stages_extraction + stages_scrub ? Section::scrub : Section::strip;
}

double CaseSpec::feed_re_mol_per_h() const
{
    double total = 0.0;
    for (const auto& f : feeds) {
        total += f.re_mol_per_h();
    }
    return total;
}

std::optional<double> CaseSpec::organic_capacity_mol_per_L() const
{
    if (organic.loading_mol_per_L) {
        return organic.loading_mol_per_L;
    }
    if (organic.extractant_mol_per_L && organic.saponification) {
        return *organic.extractant_mol_per_L * *organic.saponification *
               system.loading_per_extractant;
    }
    return std::nullopt;
}

namespace {

//! Organic and scrub flows from `reflux: {S, W}` (interface.md: S = organic flow × capacity
//! / feed RE, W = scrub flow × acid / 3 / feed RE).
void set_flows_from_reflux(CaseSpec& spec, const InputNode& reflux)
{
    const auto capacity = spec.organic_capacity_mol_per_L();
    if (!capacity || *capacity <= 0.0) {
        reflux.fail(
            "S is RE per mol feed RE carried by the organic at its capacity: give the "
            "organic's 'loading', or 'extractant-concentration' and 'saponification'");
    }
    RefluxSpec r;
    r.location = reflux.source_name() + ":" + std::to_string(reflux.line()) + ":" +
                 std::to_string(reflux.column());
    r.S = reflux.at("S").as_double_in(0.0, 1e6, false);
    const double feed_re = spec.feed_re_mol_per_h();
    spec.organic.flow_L_per_h = r.S * feed_re / *capacity;
    if (const auto w = reflux.find("W")) {
        if (!spec.scrub) {
            w->fail(
                "W sets the scrub flow at the case's scrub acid, but this case has no 'scrub' "
                "(no scrub section, or a plant stream brings its scrub liquor)");
        }
        r.W = w->as_double_in(0.0, 1e6, false);
        if (!(spec.scrub->acid_mol_per_L > 0.0)) {
            w->fail("W needs the scrub acid (W = flow × acid / 3 / feed RE): give scrub.acid");
        }
        spec.scrub->flow_L_per_h = 3.0 * *r.W * feed_re / spec.scrub->acid_mol_per_L;
    }
    spec.reflux = r;
}

}  // namespace

std::array<double, 3> parse_efficiency(const InputNode& node)
{
    if (node.is_scalar()) {
        const double e = node.as_double_in(0.0, 1.0, false, true);
        return {e, e, e};
    }
    if (!node.is_map()) {
        node.fail(
            "expected a Murphree efficiency in (0, 1] or a mapping per section "
            "{extraction: 0.9, scrub: 0.95, strip: 1.0}");
    }
    node.check_keys({"extraction", "scrub", "strip"});
    std::array<double, 3> e{1.0, 1.0, 1.0};
    const char* names[] = {"extraction", "scrub", "strip"};
    for (int s = 0; s < 3; ++s) {
        if (auto value = node.find(names[s])) {
            e[s] = value->as_double_in(0.0, 1.0, false, true);
        }
    }
    return e;
}

CaseSpec parse_case(const InputNode& root, const CaseInlets& inlets)
{
    if (!root.is_map()) {
        root.fail(
            "a case file must be a YAML mapping with keys such as system, model, stages, "
            "feed, organic, scrub");
    }
    root.check_keys({"schema",
                     "name",
                     "description",
                     "system",
                     "model",
                     "stages",
                     "feed",
                     "feeds",
                     "organic",
                     "scrub",
                     "strip",
                     "efficiency",
                     "distribution",
                     "draws",
                     "solver",
                     "reflux",   // the organic and scrub flows as reflux ratios
                     "cost",     // read by reesx_costs (reesx cost)
                     "dynamic",  // read by reesx dynamic (Dynamic.h)
                     "mass-action",
                     "ph-correlation",
                     "medium",            // chloride (default) or sulfate
                     "impurity-ph-half",  // extraction of impurity ions (Impurities.h)
                     "ion-outlets"});     // read by the plant file's parser (Plant.h)
    if (!inlets.plant && root.has("ion-outlets")) {
        root.at("ion-outlets")
            .fail(
                "ion-outlets routes the impurity ions through a cascade of a plant file; a "
                "single case's ions are simulated (model: mass-action or ph-correlation)");
    }
    CaseSpec spec;
    spec.root = root;
    spec.source_file = root.source_name();
    if (auto schema = root.find("schema")) {
        if (schema->as_integer() != 1) {
            schema->fail("this reesx reads schema 1 case files");
        }
    }
    spec.name = root.has("name") ? root.at("name").as_string() : spec.source_file;
    const std::string case_dir = std::filesystem::path(spec.source_file).parent_path().string();
    spec.system = parse_system_reference(root.at("system"), case_dir);
    spec.model_name = root.has("model") ? root.at("model").as_string() : "separation-factor";

    // Stages.
    const InputNode stages = root.at("stages");
    stages.check_keys({"extraction", "scrub", "strip"});
    spec.stages_extraction = static_cast<int>(stages.at("extraction").as_integer_in(1, 5000));
    spec.stages_scrub =
        stages.has("scrub") ? static_cast<int>(stages.at("scrub").as_integer_in(0, 5000)) : 0;
    spec.stages_strip =
        stages.has("strip") ? static_cast<int>(stages.at("strip").as_integer_in(0, 5000)) : 0;
    const int last_feedable = spec.stages_extraction + spec.stages_scrub;

    // Feeds.
    std::vector<InputNode> feed_nodes;
    if (root.has("feed") && root.has("feeds")) {
        root.fail("give either 'feed' or 'feeds', not both");
    }
    if (!root.has("feed") && !root.has("feeds") && !inlets.feed && !inlets.scrub) {
        root.fail("missing key 'feed' (or 'feeds', a list of feeds)");
    }
    if (root.has("feed")) {
        feed_nodes.push_back(root.at("feed"));
    } else if (root.has("feeds")) {
        feed_nodes = root.at("feeds").elements();
        if (feed_nodes.empty()) {
            root.at("feeds").fail("the list of feeds is empty");
        }
    }
    for (const auto& node : feed_nodes) {
        node.check_keys({"name", "phase", "stage", "flow", "concentration", "composition",
                         "oxide-mass-fractions", "acid", "impurities"});
        FeedSpec f;
        f.phase = node.has("phase") ? parse_phase(node.at("phase")) : Phase::aqueous;
        if (node.has("stage")) {
            f.stage = static_cast<int>(node.at("stage").as_integer_in(1, last_feedable));
        } else if (f.phase == Phase::aqueous) {
            f.stage = spec.stages_extraction;
        } else {
            if (spec.stages_scrub == 0) {
                node.fail(
                    "an organic feed enters the first scrub stage by default, but this "
                    "cascade has no scrub section; give 'stage'");
            }
            f.stage = spec.stages_extraction + 1;
        }
        const InputNode concentration = node.at("concentration");
        f.concentration_mol_per_L =
            concentration.as_quantity_in(Quantity::concentration, "mol/L", 0.0, 20.0, false);
        if (f.concentration_mol_per_L < min_feed_mol_per_L) {
            // Far below any leach liquor: kg of product and reagents per kg underflow.
            concentration.fail("a feed of " + concentration.text() +
                               " carries no rare earth to separate (below 1e-9 mol/L); give the "
                               "total RE concentration, e.g. 1.5 mol/L, and check its unit");
        }
        if (f.concentration_mol_per_L < dilute_feed_mol_per_L) {
            spec.warnings.push_back(concentration.path() + ": " + concentration.text() +
                                    " is a very dilute feed (SX feeds usually carry 0.1 mol/L RE "
                                    "or more); check the unit");
        }
        f.mole_fraction = parse_composition(node);
        // A feed rate as plants state it (t/y, kg/h REO, mol/h) sets the solution flow at the
        // feed's concentration; a flow is taken as written, so that it round-trips exactly.
        const InputNode flow = node.at("flow");
        FeedComposition distribution;
        distribution.mole_fraction = f.mole_fraction;
        if (const auto mol_per_h = parse_feed_rate_mol_per_h(flow, distribution)) {
            f.flow_L_per_h = *mol_per_h / f.concentration_mol_per_L;
            if (!(f.flow_L_per_h >= 1e-6 && f.flow_L_per_h <= 1e12)) {
                flow.fail(flow.text() + " at " + concentration.text() + " is a flow of " +
                          std::to_string(f.flow_L_per_h) +
                          " L/h of feed solution, outside [1e-6, 1e12] L/h; check the units");
            }
        } else {
            f.flow_L_per_h = parse_flow(flow);
        }
        if (auto acid = node.find("acid")) {
            if (f.phase == Phase::organic) {
                acid->fail("'acid' is the free HCl of an aqueous feed; an organic feed has none");
            }
            f.acid_mol_per_L = acid->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 15.0);
        }
        parse_feed_impurities(node, f);
        spec.feeds.push_back(f);
    }
    spec.components = feed_components(spec.feeds);
    for (auto& w :
         extraction_order_reversals(spec.system, rare_earth_components(spec.components))) {
        spec.warnings.push_back(std::move(w));
    }

    // Organic.
    const InputNode organic = root.at("organic");
    organic.check_keys(
        {"flow", "extractant-concentration", "saponification", "loading", "recycle", "base"});
    const std::optional<InputNode> reflux = root.find("reflux");
    if (reflux) {
        reflux->check_keys({"S", "W"});
        if (const auto flow = organic.find("flow"); flow && reflux->has("S")) {
            flow->fail("give either the organic flow or reflux.S, not both");
        }
        if (!reflux->has("S")) {
            reflux->fail(
                "missing key 'S' (organic RE flux per mol feed RE), e.g. reflux: "
                "{S: 1.8, W: 1.1}");
        }
        if (inlets.feed) {
            reflux->fail(
                "reflux S and W are per mol of the cascade's own feed, but streams "
                "feed this cascade; give the organic and scrub flows");
        }
    } else {
        if (!organic.has("flow")) {
            organic.fail(
                "missing key 'flow' (e.g. flow: 3410 L/h), or give the reflux instead: "
                "reflux: {S: 1.8, W: 1.1} (mol RE per mol feed RE)");
        }
        spec.organic.flow_L_per_h = parse_flow(organic.at("flow"));
    }
    if (auto n = organic.find("extractant-concentration")) {
        spec.organic.extractant_mol_per_L =
            n->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 5.0, false);
    }
    if (auto n = organic.find("saponification")) {
        spec.organic.saponification =
            n->as_quantity_in(Quantity::fraction, "1", 0.0, 1.0, true, false);
    }
    if (auto n = organic.find("recycle")) {
        spec.organic.recycle = n->as_bool();
    }
    if (auto n = organic.find("base")) {
        spec.organic.base = n->as_string();
        if (spec.organic.base != "NaOH" && spec.organic.base != "NH3") {
            n->fail("expected the saponification base 'NaOH' or 'NH3', found '" +
                    spec.organic.base + "'");
        }
    }
    if (auto n = organic.find("loading")) {
        spec.organic.loading_mol_per_L =
            n->as_quantity_in(Quantity::concentration, "mol/L", 0.0, 5.0, false);
        if (spec.organic.extractant_mol_per_L &&
            *spec.organic.loading_mol_per_L > *spec.organic.extractant_mol_per_L / 3.0) {
            n->fail("a loading of " + std::to_string(*spec.organic.loading_mol_per_L) +
                    " mol/L is above the stoichiometric ceiling of extractant/3 = " +
                    std::to_string(*spec.organic.extractant_mol_per_L / 3.0) +
                    " mol/L (three extractant anions per RE3+)");
        }
    }

    // Model (after the feed: it needs the components).
    check_impurity_case(root, spec);
    const bool saturated = spec.model_name == "separation-factor";
    if (saturated) {
        if (!spec.organic_capacity_mol_per_L()) {
            organic.fail(
                "the separation-factor model needs the organic's RE capacity: give "
                "'loading' (mol/L), or 'extractant-concentration' and "
                "'saponification'");
        }
        if (*spec.organic_capacity_mol_per_L() <= 0.0) {
            organic.fail(
                "the organic's RE capacity is zero (saponification 0): a saturated "
                "organic needs a saponified or RE-loaded extractant");
        }
        check_system_covers(spec);
    }
    if (spec.organic.saponification && *spec.organic.saponification > 0.5) {
        // Reported emulsion limit, chemistry.md §2.2 (Pr/Ce paper, 2012).
        spec.warnings.push_back(organic.path() +
                                ".saponification: above 0.5 the organic tends to emulsify");
    }
    if (root.has("ion-outlets")) {
        // A plant cascade that passes its ions unsimulated (Plant.h): its model is for the
        // rare earths; the plant solver takes the ions out of its feeds.
        spec.components = rare_earth_components(spec.components);
    }
    spec.model = make_model(spec);

    // Scrub and strip.
    if (auto scrub = root.find("scrub")) {
        if (spec.stages_scrub == 0) {
            scrub->fail("a scrub stream is given but stages.scrub is 0");
        }
        spec.scrub = parse_acid_stream(*scrub, saturated, reflux && reflux->has("W"));
    } else if (spec.stages_scrub > 0 && !inlets.scrub) {
        root.fail("the cascade has " + std::to_string(spec.stages_scrub) +
                  " scrub stages but no 'scrub' stream (flow and acid)");
    }
    if (auto strip = root.find("strip")) {
        if (spec.stages_strip == 0) {
            strip->fail("a strip stream is given but stages.strip is 0");
        }
        spec.strip = parse_acid_stream(*strip, saturated);
    } else if (spec.stages_strip > 0) {
        root.fail("the cascade has " + std::to_string(spec.stages_strip) +
                  " strip stages but no 'strip' stream (flow and acid)");
    }
    if (reflux) {
        set_flows_from_reflux(spec, *reflux);
    }
    if (saturated && spec.stages_strip > 1) {
        const std::string idle =
            spec.stages_strip == 2 ? "strip stage 2 is"
                                   : "strip stages 2-" + std::to_string(spec.stages_strip) + " are";
        spec.warnings.push_back(
            "stages.strip: the separation-factor model strips the organic completely in the "
            "first strip stage, so " +
            idle + " empty (idle); use strip: 1, or the mass-action model for partial stripping");
    }
    if (!saturated) {
        // With an acidity model, acid-free scrub or strip liquor exchanges almost nothing.
        const auto warn_no_acid = [&](const std::optional<AcidStreamSpec>& stream,
                                      const std::string& section) {
            if (stream && stream->acid_mol_per_L == 0.0) {
                spec.warnings.push_back(section + ".acid: 0 mol/L: without acid the " + section +
                                        " section hardly exchanges RE with the '" +
                                        spec.model_name + "' model; its stages are nearly idle");
            }
        };
        warn_no_acid(spec.scrub, "scrub");
        warn_no_acid(spec.strip, "strip");
    }
    if (auto eff = root.find("efficiency")) {
        spec.efficiency = parse_efficiency(*eff);
        const bool below_one =
            *std::min_element(spec.efficiency.begin(), spec.efficiency.end()) < 1.0;
        if (below_one && !spec.model->extra_unknowns().empty()) {
            eff->fail("Murphree efficiencies below 1 are not available with the '" +
                      spec.model_name +
                      "' model in this version (its organic depends on acidity and free "
                      "extractant as well); use efficiency: 1.0");
        }
    }

    // Side draws.
    if (auto draws = root.find("draws")) {
        std::set<std::string> names = {"raffinate", "loaded_organic", "strip_liquor",
                                       "stripped_organic"};
        for (const auto& node : draws->elements()) {
            node.check_keys({"name", "phase", "stage", "flow"});
            DrawSpec d;
            d.name = node.at("name").as_string();
            if (!names.insert(d.name).second) {
                node.at("name").fail("product name '" + d.name + "' is already used");
            }
            d.phase = node.has("phase") ? parse_phase(node.at("phase")) : Phase::aqueous;
            d.stage = static_cast<int>(node.at("stage").as_integer_in(1, spec.num_stages()));
            d.flow_L_per_h = parse_flow(node.at("flow"));
            spec.draws.push_back(d);
        }
    }

    if (auto solver = root.find("solver")) {
        solver->check_keys({"tolerance", "max-iterations", "method"});
        if (auto t = solver->find("tolerance")) {
            spec.solver.tolerance = t->as_double_in(1e-15, 1e-3);
        }
        if (auto m = solver->find("max-iterations")) {
            spec.solver.max_iterations = static_cast<int>(m->as_integer_in(1, 100000));
        }
        if (auto m = solver->find("method")) {
            const std::string method = m->as_string();
            if (method == "kinsol") {
                m->fail(
                    "'kinsol' was removed in this version: it failed on long multicomponent "
                    "cascades (17 elements, 50 stages and more). Use the default solver: "
                    "'newton' (block-tridiagonal), or leave solver.method out");
            }
            if (method != "newton") {
                m->fail("expected 'newton' (block-tridiagonal, the only method), found '" + method +
                        "'");
            }
            spec.solver.method = method;
        }
    }
    return spec;
}

CaseSpec load_case(const std::string& path)
{
    return parse_case(InputNode::load_file(path));
}

}  // namespace reesx
