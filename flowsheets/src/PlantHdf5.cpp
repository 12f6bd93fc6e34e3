// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The HDF5 result file of a plant (`reesx run PLANT.yaml -o`, `reesx separate -o`): the result
// header, every cascade under /cascades/NAME in the layout of a single cascade's file, and the
// plant's products and balance (docs/interface.md, "HDF5 result files").
#include "reesx/io/AtomicFile.h"
#include "reesx/io/PlantOutput.h"
#include "reesx/io/Results.h"

#include "PlantImpurityOutput.h"

namespace reesx::io {

void write_plant_hdf5(const std::string& path, const std::string& command, const PlantSpec& spec,
                      const PlantResult& result, const nlohmann::json& resolved_input,
                      const std::string& input_yaml, const std::function<void(Hdf5Writer&)>& extra)
{
    write_file_atomically(path, [&](const std::string& temp) {
        Hdf5Writer h5(temp);
        write_result_header(h5, command, spec.source_file, resolved_input, input_yaml);
        h5.write_attribute("/", "plant_name", spec.name);
        std::vector<std::string> symbols;
        for (const auto& e : elements()) {
            symbols.emplace_back(e.symbol);
        }
        h5.write_strings("/elements", symbols);
        h5.write_strings("/cascade_order", spec.cascade_names);
        h5.create_group("/cascades");
        for (std::size_t c = 0; c < result.cascades.size(); ++c) {
            write_cascade_hdf5(h5, "/cascades/" + spec.cascade_names[c], result.specs[c],
                               result.cascades[c]);
        }
        h5.create_group("/products");
        std::vector<std::string> names;
        std::vector<double> recovery;
        for (const auto& p : result.products) {
            const std::string g = "/products/" + p.name;
            names.push_back(p.name);
            h5.create_group(g);
            h5.write_attribute(g, "phase", std::string(phase_name(p.value.phase)));
            h5.write_attribute(g, "cascade", spec.cascade_names[p.cascade]);
            h5.write_attribute(g, "outlet", p.outlet);
            h5.write_scalar(g + "/flow", p.value.flow_L_per_h, "L/h");
            h5.write_dataset(
                g + "/mol_per_h",
                std::vector<double>(p.value.mol_per_h.begin(), p.value.mol_per_h.end()), "mol/h");
            h5.write_dataset(g + "/composition",
                             std::vector<double>(p.composition.begin(), p.composition.end()),
                             "mol/mol RE");
            h5.write_scalar(g + "/purity", p.purity, "mol/mol RE");
            recovery.insert(recovery.end(), p.recovery.begin(), p.recovery.end());
        }
        h5.write_strings("/recovery_products", names);
        h5.write_dataset("/recovery", recovery, names.size(), num_elements, "1");
        h5.write_dataset(
            "/feed_mol_per_h",
            std::vector<double>(result.feed_mol_per_h.begin(), result.feed_mol_per_h.end()),
            "mol/h");
        h5.write_dataset("/balance_relative_error",
                         std::vector<double>(result.balance_relative_error.begin(),
                                             result.balance_relative_error.end()),
                         "1");
        write_plant_impurities_hdf5(h5, result);
        h5.create_group("/solver");
        h5.write_attribute("/solver", "method", spec.method);
        h5.write_attribute("/solver", "iterations", static_cast<long>(result.iterations));
        h5.write_attribute("/solver", "tear_change", result.tear_change);
        h5.write_attribute("/solver", "cascade_solves", static_cast<long>(result.cascade_solves));
        if (extra) {
            extra(h5);
        }
        h5.close();
    });
}

}  // namespace reesx::io
