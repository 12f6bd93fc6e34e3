// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Batch (single-contact) equilibrium data for `reesx fit` (docs/fit.md): per test the feed
// acid, the extractant and per element the feed concentration, the equilibrium aqueous
// concentration and the distribution ratio D. Two CSV layouts are read:
//   wide  the column layout of Argonne's LLEPE compilation (shared/validation/): label,
//         Feed H+[M], PC88A[M] (or Extractant[M]), and per element Feed <El>[M], Xaq <El>, D <El>;
//         an element with feed 0 and D 0 is absent from that test;
//   long  one row per element and test: test, element, feed_mol_per_L, D and optionally
//         source, h_mol_per_L, extractant_mol_per_L, aqueous_mol_per_L, o_to_a,
//         sigma_log10_D.
// Bad rows are InputErrors at file:line:column.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace reesx::validation {

struct BatchPoint {
    int element = 0;
    double feed_mol_per_L = 0.0;
    std::optional<double> aqueous_mol_per_L;  //!< at equilibrium, when measured
    double d = 0.0;                           //!< distribution ratio (organic/aqueous)
    std::optional<double> sigma_log10_d;      //!< stated error of log10 D, when given
    int line = 0;                             //!< row of the file (1-based)
    int column = 0;                           //!< column of D (1-based)
};

struct BatchTest {
    std::string id;                     //!< test name (long format) or "row N" (wide format)
    std::string source;                 //!< literature label or lab
    int line = 0;                       //!< first row of the test
    std::optional<double> h_mol_per_L;  //!< feed free acid (HCl)
    std::optional<double> extractant_mol_per_L;  //!< extractant (monomer) concentration
    double o_to_a = 1.0;                         //!< organic/aqueous volume ratio
    std::vector<BatchPoint> points;              //!< elements with D > 0
};

struct BatchData {
    std::string path;
    std::string layout;  //!< "wide" or "long"
    std::vector<BatchTest> tests;
    int rows = 0;
    //! Element entries with a feed but D = 0 (not usable in log D), skipped.
    int skipped_zero_d = 0;
    std::string checksum;  //!< FNV-1a 64 of the file's bytes ("fnv1a64:HEX"), for provenance
};

//! Reads a batch data CSV in either layout (decided by its header); InputError at
//! file:line:column for a missing column, a non-numeric or negative value, a D for an element
//! not in the feed, an element twice in a test, or a test's conditions that differ between
//! its rows.
BatchData read_batch_data(const std::string& path);
//! The same from text (`source_name` is used in messages).
BatchData parse_batch_data(const std::string& text, const std::string& source_name);

}  // namespace reesx::validation
