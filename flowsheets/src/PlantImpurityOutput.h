// reesx — rare-earth solvent-extraction simulator. See LICENSE.
// Impurity ions of a plant's products for `reesx run PLANT.yaml` and `reesx separate`: the
// table, the JSON keys and the HDF5 datasets (PlantImpurityOutput.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reesx/flowsheets/Plant.h"
#include "reesx/io/Hdf5.h"

namespace reesx::io {

//! Per product purity on both bases and each ion as its spec oxide in ppm of the REO, and the
//! plant's impurity balance; empty without impurity ions.
std::string plant_impurity_table(const PlantResult& r);

//! Adds `purity_total_metal`, `impurity_mol_per_h` and `impurities` to each product of a
//! plant summary's `products`, `impurity_mol_per_h` to its streams, and `impurities` (feed,
//! products, relative error per ion) to its `balance`; nothing without impurity ions.
void add_plant_impurities(const PlantResult& r, nlohmann::json& summary);

//! Per product `impurity_mol_per_h` and `impurity_ppm_reo` (columns in Species.h order) and
//! `/impurity_feed_mol_per_h`, `/impurity_balance_relative_error`, as a cascade's file has
//! them; nothing without impurity ions.
void write_plant_impurities_hdf5(Hdf5Writer& h5, const PlantResult& r);

}  // namespace reesx::io
