// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Impurity ions of rare-earth leach liquors (ionic clays: Al, Ca, Mg, Fe, Mn, Zn; coal and
// phosphogypsum leachates: Fe, Al, Ca in sulfate; monazite: Th, U; Na from neutralization).
//
// Atomic weights: IUPAC 2021 abridged standard atomic weights, Prohaska et al., Pure Appl.
// Chem. 94 (2022) 573–600 (the source of Elements.cpp). Th and U have standard atomic
// weights (232.04, 238.03). Oxides: the forms in which impurity limits of rare-earth oxide
// products are specified (Fe2O3, Al2O3, CaO, MgO, ZnO, ThO2, U3O8, Na2O; MnO for Mn); Fe(II)
// is reported as Fe2O3 like Fe(III), since an assay does not tell them apart.
#include "reesx/thermo/Species.h"

namespace reesx {
namespace {

constexpr double oxygen_g_per_mol = 15.999;  // IUPAC 2021, as in Elements.cpp

constexpr std::array<ImpurityData, num_impurities> impurity_table{{
    {"Al3+", "aluminium", 3, 26.982, 26.982, "Al2O3", 2, 3},
    {"Fe3+", "iron(III)", 3, 55.845, 55.845, "Fe2O3", 2, 3},
    {"Fe2+", "iron(II)", 2, 55.845, 55.845, "Fe2O3", 2, 3},
    {"Ca2+", "calcium", 2, 40.078, 40.078, "CaO", 1, 1},
    {"Mg2+", "magnesium", 2, 24.305, 24.305, "MgO", 1, 1},
    {"Mn2+", "manganese(II)", 2, 54.938, 54.938, "MnO", 1, 1},
    {"Zn2+", "zinc", 2, 65.38, 65.38, "ZnO", 1, 1},
    {"Th4+", "thorium", 4, 232.04, 232.04, "ThO2", 1, 2},
    {"UO2^2+", "uranyl (U(VI))", 2, 238.03, 238.03 + 2.0 * oxygen_g_per_mol, "U3O8", 3, 8},
    {"Na+", "sodium", 1, 22.990, 22.990, "Na2O", 2, 1},
}};

//! Other spellings accepted in case files, by impurity index.
struct Alias {
    std::string_view text;
    int impurity;
};
constexpr std::array<Alias, 20> aliases{{
    {"Al", 0},     {"Al(III)", 0}, {"Fe(III)", 1}, {"Fe(II)", 2}, {"Ca", 3},
    {"Mg", 4},     {"Mn", 5},      {"Mn(II)", 5},  {"Zn", 6},     {"Th", 7},
    {"Th(IV)", 7}, {"UO2", 8},     {"UO2++", 8},   {"UO22+", 8},  {"UO2(2+)", 8},
    {"U(VI)", 8},  {"U", 8},       {"Na", 9},      {"Na(I)", 9},  {"Ca(II)", 3},
}};

}  // namespace

double ImpurityData::oxide_g_per_mol_ion() const
{
    return (oxide_metal_atoms * metal_g_per_mol + oxide_oxygen_atoms * oxygen_g_per_mol) /
           oxide_metal_atoms;
}

const std::array<ImpurityData, num_impurities>& impurities()
{
    return impurity_table;
}

std::optional<int> species_index(std::string_view symbol, std::string* hint)
{
    if (auto e = element_index(symbol)) {
        return e;
    }
    for (int k = 0; k < num_impurities; ++k) {
        if (impurity_table[static_cast<std::size_t>(k)].symbol == symbol) {
            return num_elements + k;
        }
    }
    for (const auto& a : aliases) {
        if (a.text == symbol) {
            return num_elements + a.impurity;
        }
    }
    if (hint != nullptr) {
        if (symbol == "Fe" || symbol == "Fe+" || symbol == "Fe++") {
            *hint = "iron has two oxidation states here: write Fe3+ or Fe2+";
        } else {
            *hint = "known species: the 17 rare earths (Sc, Y, La-Lu) and " + impurity_symbols();
        }
    }
    return std::nullopt;
}

std::string species_symbol(int species)
{
    if (is_rare_earth(species)) {
        return std::string(elements()[static_cast<std::size_t>(species)].symbol);
    }
    return std::string(impurity_table.at(static_cast<std::size_t>(species - num_elements)).symbol);
}

int species_charge(int species)
{
    return is_rare_earth(species)
               ? 3
               : impurity_table.at(static_cast<std::size_t>(species - num_elements)).charge;
}

double species_g_per_mol(int species)
{
    return is_rare_earth(species)
               ? elements()[static_cast<std::size_t>(species)].atomic_mass_g_per_mol
               : impurity_table.at(static_cast<std::size_t>(species - num_elements)).ion_g_per_mol;
}

double species_oxide_g_per_mol(int species)
{
    return is_rare_earth(species)
               ? elements()[static_cast<std::size_t>(species)].oxide_mass_per_mol_element_g()
               : impurity_table.at(static_cast<std::size_t>(species - num_elements))
                     .oxide_g_per_mol_ion();
}

std::string impurity_symbols()
{
    std::string out;
    for (const auto& d : impurity_table) {
        out += (out.empty() ? "" : ", ") + std::string(d.symbol);
    }
    return out;
}

}  // namespace reesx
