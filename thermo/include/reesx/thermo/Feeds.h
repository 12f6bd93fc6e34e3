// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Feed compositions: the rare-earth distribution of a concentrate or solution, as RE mole
// fractions, from a case file's feed, a feed file (`--feed FILE.yaml`) or the built-in feed
// library (thermo/data/feeds/*.yaml, `reesx feeds`). Every built-in feed carries its source.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "reesx/core/Input.h"
#include "reesx/thermo/Elements.h"

namespace reesx {

//! RE mole fractions (sum 1) from a mapping holding `composition` (RE mole fractions) or
//! `oxide-mass-fractions` (converted with the oxide formulas). Located InputError when the
//! fractions are unknown, negative, duplicated, all zero or do not sum to 1 (±1e-3).
std::array<double, num_elements> parse_composition(const InputNode& holder);

struct FeedComposition {
    std::string name;
    std::string description;
    std::string source;  //!< citation or URL (required for built-in feeds)
    std::string notes;   //!< how the numbers were read, unreported elements, variability
    std::array<double, num_elements> mole_fraction{};
    std::optional<double> concentration_mol_per_L;  //!< total RE in solution, when given
    std::string origin;                             //!< "built-in" or the file it came from

    //! Oxide mass fractions (REO basis) of the same distribution.
    std::array<double, num_elements> oxide_mass_fraction() const;
    //! kg of REO per mol of RE of this distribution.
    double kg_reo_per_mol() const;
};

//! A feed rate as plants state it (Units.h: "2000 t/y", "1000 kg/h REO", "20 mol/h") -> RE
//! mol/h of `feed`'s distribution; nullopt for a flow of feed solution ("500 L/h", a bare
//! number), which the caller converts with the concentration it knows. Located InputErrors.
std::optional<double> parse_feed_rate_mol_per_h(const InputNode& node, const FeedComposition& feed);

//! A feed written on one line as RE mole fractions, "Pr:0.25,Nd:0.75" (or "Pr: 25 %, ...");
//! errors located at `node`, naming the bad part.
FeedComposition parse_feed_text(const InputNode& node);
//! Whether a --feed value is such a line rather than a name or a file.
bool is_feed_text(const std::string& text);

//! A feed from a YAML mapping (keys: name, description, composition or
//! oxide-mass-fractions, concentration, source, notes).
FeedComposition parse_feed(const InputNode& node);
//! Names of the built-in feeds, sorted.
std::vector<std::string> builtin_feed_names();
//! All built-in feeds, in name order.
std::vector<FeedComposition> builtin_feeds();
//! A built-in feed name or a YAML file; InputError listing the built-in names when it is
//! neither.
FeedComposition load_feed(const std::string& name_or_path);

}  // namespace reesx
