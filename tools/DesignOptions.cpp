// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "DesignOptions.h"

#include <algorithm>
#include <cstdio>

#include "reesx/core/Error.h"

namespace reesx::cli {

std::string quoted(const std::string& text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

//! A number as the user typed it (15 significant digits, no trailing zeros).
std::string shortest(double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.15g", value);
    return buffer;
}

std::string design_document(const DesignArgs& o)
{
    std::string y;
    const auto add = [&](const std::string& key, const std::string& value) {
        if (!value.empty()) {
            y += key + ": " + quoted(value) + "\n";
        }
    };
    const auto number = [](double v) { return v != 0.0 ? shortest(v) : std::string(); };
    add("system", o.system);
    add("feed", o.feed);
    add("split", o.split);
    add("feed-rate", o.feed_rate);
    add("feed-phase", o.feed_phase);
    add("scrub-acid", o.scrub_acid);
    if (o.purity_a != 0.0 || o.purity_b != 0.0) {
        y += "purity:\n  A: " + quoted(number(o.purity_a != 0.0 ? o.purity_a : o.purity)) +
             "\n  B: " + quoted(number(o.purity_b != 0.0 ? o.purity_b : o.purity)) + "\n";
    } else {
        add("purity", number(o.purity));
    }
    if (o.recovery != 0.0) {
        y += "recovery: {of: " + quoted(o.recovery_of.empty() ? "A" : o.recovery_of) +
             ", value: " + quoted(number(o.recovery)) + "}\n";
    }
    if (o.middle_purity != 0.0 || o.middle_recovery != 0.0) {
        y += "middle-product: {";
        y += o.middle_purity != 0.0 ? "purity: " + quoted(number(o.middle_purity)) : "";
        y += o.middle_purity != 0.0 && o.middle_recovery != 0.0 ? ", " : "";
        y += o.middle_recovery != 0.0 ? "recovery: " + quoted(number(o.middle_recovery)) : "";
        y += "}\n";
    }
    if (o.reflux_multiple != 0.0) {
        y += "reflux: {multiple-of-minimum: " + quoted(number(o.reflux_multiple)) + "}\n";
    }
    if (o.max_stages != 0) {
        y += "reflux: {max-stages: " + std::to_string(o.max_stages) + "}\n";
    }
    if (o.strip_stages != 0) {
        y += "strip: {stages: " + std::to_string(o.strip_stages) + "}\n";
    }
    if (o.tradeoff_points >= 0) {
        y += "tradeoff: {points: " + std::to_string(o.tradeoff_points) + "}\n";
    }
    if (o.efficiency.find(':') == std::string::npos) {
        add("efficiency", o.efficiency);
    } else {
        // SECTION:E pairs become the design file's mapping; its parser checks them.
        y += "efficiency:\n";
        std::size_t begin = 0;
        while (begin <= o.efficiency.size()) {
            const std::size_t end = std::min(o.efficiency.find(',', begin), o.efficiency.size());
            std::string part = o.efficiency.substr(begin, end - begin);
            std::erase(part, ' ');
            const std::size_t colon = part.find(':');
            y += "  " + quoted(part.substr(0, colon)) + ": " +
                 (colon == std::string::npos ? "" : quoted(part.substr(colon + 1))) + "\n";
            begin = end + 1;
        }
    }
    return y;
}

InputNode design_input(const DesignArgs& o)
{
    const std::string document = design_document(o);
    if (!o.file.empty() && !document.empty()) {
        throw InputError(
            "give the design either as a file or as options (--system, --feed, --split, ...), "
            "not both");
    }
    return o.file.empty() ? InputNode::load_string(document, "command line")
                          : InputNode::load_file(o.file);
}

void add_design_args(CLI::App* command, DesignArgs& d)
{
    command->add_option("design_file", d.file, "design file (YAML); or give the options below");
    command->add_option("--system", d.system, "extraction system name or YAML file");
    command->add_option("--feed", d.feed,
                        "built-in feed name (reesx feeds), YAML file, or \"Pr:0.25,Nd:0.75\"");
    command->add_option("--split", d.split, "the cut, e.g. Pr/Nd or La-Nd/Sm-Lu");
    command->add_option("--purity", d.purity, "purity of both products (default 0.9999)");
    command->add_option("--purity-a", d.purity_a, "purity of the more extractable product");
    command->add_option("--purity-b", d.purity_b, "purity of the less extractable product");
    command->add_option("--recovery", d.recovery, "recovery of one product (with one purity)");
    command->add_option("--recovery-of", d.recovery_of, "A, B or an element (default A)");
    command->add_option("--feed-rate", d.feed_rate,
                        "\"1000 kg/h REO\", \"2000 t/y\", \"20 mol/h\" or a feed flow \"500 L/h\"");
    command->add_option("--efficiency", d.efficiency,
                        "Murphree efficiency, 0.9 or per section \"extraction:0.9,scrub:0.85\"");
    command->add_option("--feed-phase", d.feed_phase, "aqueous (default) or organic");
    command->add_option("--scrub-acid", d.scrub_acid, "scrub HCl, e.g. \"4 mol/L\"");
    command->add_option("--reflux-multiple", d.reflux_multiple,
                        "the baseline's reflux as a multiple of S_min (default: Xu's optimum)");
    command->add_option("--max-stages", d.max_stages,
                        "the baseline: the smallest reflux within this many stages");
    command->add_option("--strip-stages", d.strip_stages, "add a strip section");
}

}  // namespace reesx::cli
