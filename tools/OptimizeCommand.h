// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx optimize`: the cost-optimal cascade for one cut, country by country (interface.md).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "DesignOptions.h"
#include "reesx/costs/PlantFronts.h"

namespace reesx::cli {

struct OptimizeArgs : DesignArgs {
    std::string countries;  //!< "CN-NM,US" or "all"; empty: the first country of the data
    std::string objective = "levelized";
    std::string json_path, case_path;
    std::string pareto;           //!< purities of the cost-against-purity front, e.g. "0.99,0.999"
    std::string pareto_recovery;  //!< recoveries of the cost-against-recovery front
    int pareto_capital = 0;       //!< refluxes of the capital-against-operating front; 0: none
    std::string output_path;      //!< -o: the fronts as CSV (.csv) or the results as HDF5
    int robust = 0;               //!< samples of the robust optimum; 0: none
    double percentile = -1.0;     //!< the robust objective's percentile; < 0: the mean
    std::uint64_t seed = 1;       //!< samples of --robust and --uncertainty
    int robust_radius = 2;
    std::string robust_reflux = "retuned";  //!< or "fixed": held at one value in every sample
    int threads = 0;
    int uncertainty = 0;  //!< samples of the system (--uncertainty N)
    bool quiet = false;
    //! --plant: the whole plant (the input is a separate file or separate's options).
    bool plant = false, fixed_extraction = false;
    double lump_below = -1.0;
    std::string scenario, plant_path;
    std::string purity_budget;  //!< --plant: "chosen" (default) or "half"
};

//! Registers `optimize` and its options on `app`.
CLI::App* add_optimize_command(CLI::App& app, OptimizeArgs& args);

//! Runs it; exit code (errors are thrown as reesx::Error for main to report).
int run_optimize(const OptimizeArgs& args);

//! A comma-separated list of fractions in (lowest, 1), e.g. "0.99,0.999"; InputError naming
//! `option` otherwise.
std::vector<double> fractions(const std::string& option, const std::string& list, double lowest);

//! `reesx optimize --plant` (PlantOptimizeCommand.cpp); exit code.
int run_plant_optimize(const OptimizeArgs& args);

//! `optimize --plant -o OUT.h5` (PlantOptimizeHdf5.cpp): a plant's HDF5 layout for the first
//! country's optimal plant, with the optimize datasets per country and the purity front.
void write_plant_optimize_hdf5(const std::string& path, const SeparateSpec& spec,
                               const costs::PlantOptimizeStudy& study,
                               const nlohmann::json& summary);

}  // namespace reesx::cli
