// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// `reesx fit` (docs/fit.md): equilibrium parameters of a system fitted to batch data by
// weighted least squares in log10 D (bounded Levenberg–Marquardt, solver/LeastSquares.h).
//   separation-factor  log10 D_ie = a_t + log10 K_e: one offset per test (nuisance; tests
//                      with one element carry no ratio and are dropped), log10 K per element,
//                      the reference element (La when present) held at the base's value;
//   mass-action        log10 D_e = log10 Kex_e + 3 log10 [(HA)2] - 3 log10 [H+], with
//                      [H+] = H+_feed + 3 (O/A) sum q and [(HA)2] = (C_HA - 6 sum q)/2 solved
//                      for each test from its feed (the batch contact the model predicts);
//   ph-correlation     log10 D_e = m_e pH + b_e, pH of the equilibrium aqueous
//                      (-log10 (H+_feed + 3 (O/A) sum q) with q from the measured D).
// Standard errors: s^2 (J^T J)^-1 with s^2 = SSR / (points - parameters) unless every point
// states its sigma_log10_D (then (J^T J)^-1).
#pragma once

#include <Eigen/Dense>
#include <optional>
#include <string>
#include <vector>

#include "reesx/thermo/ExtractionSystem.h"
#include "reesx/validation/BatchData.h"

namespace reesx::validation {

enum class FitModel { separation_factor, mass_action, ph_correlation };
std::string fit_model_name(FitModel model);
//! "separation-factor", "mass-action" or "ph-correlation"; InputError naming them otherwise.
FitModel parse_fit_model(const std::string& name);

struct FitOptions {
    FitModel model = FitModel::separation_factor;
    ExtractionSystem base;       //!< values kept where the data say nothing; the start
    double outlier_limit = 3.0;  //!< |studentized residual| above this is an outlier
};

struct FitParameter {
    std::string name;  //!< "log10 K(Ce)", "log10 Kex(Nd)", "slope(Dy)", "intercept(Dy)"
    int element = -1;
    double estimate = 0.0;
    double standard_error = 0.0;
    bool at_bound = false;
};

struct FitPoint {
    std::string test, source;
    int line = 0, column = 0;
    int element = 0;
    double observed_log10_d = 0.0, fitted_log10_d = 0.0;
    double residual = 0.0;     //!< observed - fitted, log10 D
    double studentized = 0.0;  //!< residual / (s sqrt(1 - leverage))
    bool outlier = false;
};

struct SourceResiduals {
    std::string source;
    int points = 0;
    double mean = 0.0, rms = 0.0;  //!< of the residuals, log10 D
};

struct FitResult {
    FitModel model = FitModel::separation_factor;
    std::vector<FitParameter> parameters;  //!< reported ones (test offsets excluded)
    Eigen::MatrixXd covariance;            //!< of `parameters`
    Eigen::MatrixXd correlation;
    std::vector<FitPoint> points;
    std::vector<SourceResiduals> by_source;
    int tests_used = 0, tests_dropped = 0;
    int nuisance_parameters = 0;  //!< per-test offsets (separation-factor)
    int degrees_of_freedom = 0;
    double sigma_log10_d = 0.0;   //!< s, the residual standard error in log10 D
    bool sigma_from_data = true;  //!< false when every point stated its sigma
    double rms_log10_d = 0.0;
    int iterations = 0;
    bool converged = false;
    int rank_deficiency = 0;
    double seconds = 0.0;
    std::vector<std::string> warnings;
    ExtractionSystem system;  //!< the base with the fitted values (not for ph-correlation)
    std::string reference;    //!< separation-factor: the element held at the base's value
};

//! Fits `data` with the options' model. InputError when the data cannot determine it
//! (too few points, missing acid or extractant for an acidity model); the base system must
//! have a value for every element in the data (separation-factor, mass-action).
FitResult fit(const BatchData& data, const FitOptions& options);

//! The fitted system as a system file (`system: FILE.yaml` or `--system FILE.yaml`), with
//! `fit:` (model, data provenance, parameters, covariance). For ph-correlation: a
//! `ph-correlation:` mapping to put in a case file, the fit in comments.
std::string fitted_system_yaml(const FitResult& result, const BatchData& data,
                               const std::string& name);

}  // namespace reesx::validation
