// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/Design.h"

#include <algorithm>
#include <sstream>

#include "Designer.h"

namespace reesx {

using design_detail::Designer;
using design_detail::num;
using design_detail::round_trip;

double DesignSpec::organic_capacity_mol_per_L() const
{
    return loading_mol_per_L
               ? *loading_mol_per_L
               : extractant_mol_per_L * saponification * system.loading_per_extractant;
}

DesignFlows design_flows(const DesignSpec& spec, double s, double w, double drawn)
{
    const double f = spec.feed_re_mol_per_h, capacity = spec.organic_capacity_mol_per_L();
    const bool aqueous = spec.feed_phase == theory::FeedPhase::aqueous;
    DesignFlows flows;
    flows.feed_concentration_mol_per_L = aqueous ? spec.feed_concentration_mol_per_L : capacity;
    flows.feed_L_per_h = f / flows.feed_concentration_mol_per_L;
    flows.organic_L_per_h = s * f / capacity;
    flows.scrub_L_per_h = 3.0 * w * f / spec.scrub_acid_mol_per_L;
    if (spec.strip_stages > 0) {
        // The separation-factor model strips completely given 3 H+ per RE; the excess keeps
        // the strip liquor acidic (chemistry.md §2.3).
        const double loaded = (aqueous ? s - w : s + 1.0 - w) * f - drawn * f;
        flows.strip_L_per_h =
            3.0 * loaded * (1.0 + spec.strip_acid_excess) / spec.strip_acid_mol_per_L;
    }
    return flows;
}

std::string design_case_yaml(const DesignSpec& spec, int n, int m, double s, double w, double drawn)
{
    const DesignFlows flows = design_flows(spec, s, w, drawn);
    const bool aqueous = spec.feed_phase == theory::FeedPhase::aqueous;
    std::ostringstream y;
    y << "# Written by reesx design: " << spec.split_label << " split, S = " << num(s)
      << ", W = " << num(w) << " mol RE per mol feed RE.\n";
    y << "schema: 1\nname: \"" << spec.name << "\"\n";
    if (!spec.system_reference.empty()) {
        y << "system: " << spec.system_reference << "\n";
    } else {
        y << "system:\n  name: \"" << spec.system.name
          << "\"\n  loading-per-extractant: " << num(spec.system.loading_per_extractant)
          << "\n  log10-extractability:\n";
        for (int e = 0; e < num_elements; ++e) {
            if (spec.system.has(e)) {
                y << "    " << species_symbol(e) << ": " << num(spec.system.log10_k(e)) << "\n";
            }
        }
    }
    y << "model: separation-factor\n";
    y << "stages: {extraction: " << n << ", scrub: " << m << ", strip: " << spec.strip_stages
      << "}\n";
    y << "feed:\n  phase: " << (aqueous ? "aqueous" : "organic")
      << "\n  flow: " << num(flows.feed_L_per_h)
      << " L/h\n  concentration: " << num(flows.feed_concentration_mol_per_L)
      << " mol/L\n  composition:\n";
    for (int e = 0; e < num_elements; ++e) {
        if (spec.feed.mole_fraction[e] > 0.0) {
            y << "    " << species_symbol(e) << ": " << num(spec.feed.mole_fraction[e]) << "\n";
        }
    }
    y << "organic:\n  flow: " << num(flows.organic_L_per_h) << " L/h\n";
    if (spec.loading_mol_per_L) {
        y << "  loading: " << num(*spec.loading_mol_per_L) << " mol/L\n";
    } else {
        y << "  extractant-concentration: " << num(spec.extractant_mol_per_L)
          << " mol/L\n  saponification: " << num(spec.saponification) << "\n";
    }
    y << "scrub:\n  flow: " << num(flows.scrub_L_per_h)
      << " L/h\n  acid: " << num(spec.scrub_acid_mol_per_L) << " mol/L\n";
    if (spec.strip_stages > 0) {
        y << "strip:\n  flow: " << num(flows.strip_L_per_h)
          << " L/h\n  acid: " << num(spec.strip_acid_mol_per_L) << " mol/L\n";
    }
    const auto& e = spec.efficiency;
    if (*std::min_element(e.begin(), e.end()) < 1.0) {
        y << "efficiency: {extraction: " << round_trip(e[0]) << ", scrub: " << round_trip(e[1])
          << ", strip: " << round_trip(e[2]) << "}\n";
    }
    return y.str();
}

CaseSpec design_trial_case(const DesignSpec& spec, const CaseSpec& parsed, int n, int m, double s,
                           double w)
{
    const DesignFlows flows = design_flows(spec, s, w);
    CaseSpec c = parsed;
    c.stages_extraction = n;
    c.stages_scrub = m;
    for (auto& feed : c.feeds) {
        feed.stage = feed.phase == Phase::aqueous ? n : n + 1;
        feed.flow_L_per_h = flows.feed_L_per_h;
        feed.concentration_mol_per_L = flows.feed_concentration_mol_per_L;
    }
    c.organic.flow_L_per_h = flows.organic_L_per_h;
    if (c.scrub) {
        c.scrub->flow_L_per_h = flows.scrub_L_per_h;
    }
    if (c.strip) {
        c.strip->flow_L_per_h = flows.strip_L_per_h;
    }
    bool same_system = c.system.loading_per_extractant == spec.system.loading_per_extractant;
    for (int e = 0; e < num_elements && same_system; ++e) {
        same_system = c.system.has(e) == spec.system.has(e) &&
                      (!spec.system.has(e) || c.system.log10_k(e) == spec.system.log10_k(e));
    }
    if (!same_system) {
        // Another sample of the system (design --uncertainty): the separation-factor model
        // takes its extractabilities.
        c.system = spec.system;
        set_components(c);
    }
    return c;
}

DesignResult design(const DesignSpec& spec, const std::function<void(const std::string&)>& progress)
{
    if (spec.middle) {
        DesignResult result;
        result.three_outlet = design_three_outlet(spec, progress);
        result.case_yaml = result.three_outlet->case_yaml;  // what --case writes
        return result;
    }
    Designer designer(spec, progress);
    return designer.run();
}

}  // namespace reesx
