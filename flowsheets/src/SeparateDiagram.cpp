// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The designed plant as a Graphviz graph (`reesx separate --dot`), with its impurity removal
// step when it has one.
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "reesx/flowsheets/Separate.h"

namespace reesx {
namespace {

}  // namespace

std::string dot_stream_label(const std::string& name, double flow_L_per_h,
                             const std::array<double, num_elements>& composition)
{
    char text[64];
    std::snprintf(text, sizeof text, "\\n%.4g L/h\\n", flow_L_per_h);
    std::string label = name + text;
    std::vector<int> order(num_elements);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return composition[a] > composition[b]; });
    for (int k = 0; k < 3 && composition[order[k]] >= 0.01; ++k) {
        std::snprintf(text, sizeof text, "%s%s %.6g", k == 0 ? "" : ", ",
                      species_symbol(order[k]).c_str(), composition[order[k]]);
        label += text;
    }
    return label;
}

std::string plant_dot(const SeparateSpec& spec, const SeparateResult& result)
{
    std::ostringstream dot;
    dot << "digraph plant {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
    dot << "  feed [shape=box, style=rounded, label=\"" << spec.feed.name << "\\n"
        << spec.feed_re_mol_per_h << " mol/h RE\"];\n";
    for (const auto& c : result.cascades) {
        dot << "  c" << c.index << " [shape=box, label=\"cascade " << c.index << "\\n"
            << c.split << "\\n"
            << c.design.n << " + " << c.design.m << " + " << c.design.strip << " stages\"];\n";
    }
    for (std::size_t p = 0; p < result.products.size(); ++p) {
        const auto& product = result.products[p];
        char purity[32];
        std::snprintf(purity, sizeof purity, "%.5f", product.purity);
        dot << "  p" << p << " [shape=ellipse, label=\"" << product.name << "\\npurity " << purity
            << "\"];\n";
    }
    const auto node_of = [&](const std::string& stream) -> std::string {
        for (const auto& c : result.cascades) {
            if (c.feed_from == stream) {
                return std::string("c") += std::to_string(c.index);
            }
        }
        for (std::size_t p = 0; p < result.products.size(); ++p) {
            if (result.products[p].stream == stream) {
                return std::string("p") += std::to_string(p);
            }
        }
        return "";
    };
    // With a built impurity removal step, the feed goes through it: its raffinate feeds the
    // first cut, its strip liquor (the ions it takes) leaves the plant.
    const ImpurityRemoval* removal = result.impurity_removal && result.impurity_removal->built
                                         ? &*result.impurity_removal
                                         : nullptr;
    if (removal) {
        dot << "  removal [shape=box, label=\"impurity removal\\n"
            << removal->system << "\\n"
            << removal->extraction_stages << " + " << removal->scrub_stages << " + "
            << removal->strip_stages << " stages\"];\n";
        std::string taken;
        for (const auto& f : removal->fates) {
            if (f.removed_mol_per_h > 0.5 * f.feed_mol_per_h) {
                taken += (taken.empty() ? "" : ", ") + species_symbol(f.species);
            }
        }
        dot << "  liquor [shape=ellipse, label=\"impurity liquor"
            << (taken.empty() ? "" : "\\n" + taken) << "\"];\n";
        const double feed_L_per_h = spec.feed_re_mol_per_h / spec.feed_concentration_mol_per_L;
        dot << "  feed -> removal [label=\""
            << dot_stream_label("feed", feed_L_per_h, spec.feed.mole_fraction) << "\"];\n";
        for (const auto& p : removal->simulation.products) {
            if (p.name == "strip_liquor") {
                dot << "  removal -> liquor [label=\""
                    << dot_stream_label(p.name, p.flow_L_per_h, p.composition) << "\"];\n";
            }
        }
    }
    for (const auto& c : result.cascades) {
        if (c.feed_from != "plant feed") {
            continue;
        }
        if (removal) {
            for (const auto& p : removal->simulation.products) {
                if (p.name == "raffinate") {
                    dot << "  removal -> c" << c.index << " [label=\""
                        << dot_stream_label(p.name, p.flow_L_per_h, p.composition) << "\"];\n";
                }
            }
        } else {
            dot << "  feed -> c" << c.index << " [label=\""
                << dot_stream_label("feed", c.design.feed_flow_L_per_h, spec.feed.mole_fraction)
                << "\"];\n";
        }
    }
    for (const auto& c : result.cascades) {
        const std::string name = "cascade " + std::to_string(c.index);
        for (const auto& p : c.design.simulation.products) {
            if (p.name == "raffinate" || p.name == c.design.product_a_name) {
                dot << "  c" << c.index << " -> " << node_of(name + " " + p.name) << " [label=\""
                    << dot_stream_label(p.name, p.flow_L_per_h, p.composition) << "\"];\n";
            }
        }
    }
    dot << "}\n";
    return dot.str();
}

}  // namespace reesx
