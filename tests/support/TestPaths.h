// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Paths the tests read, force-included into every test file. They live in one compiled file
// (TestPaths.cpp) rather than in compile definitions, so that the test files compile to the
// same objects in every checkout and a shared compiler cache serves them all.
#pragma once

namespace reesx_test {
const char* source_dir();             //!< the repository root
const char* test_data_dir();          //!< tests/data
const char* binary();                 //!< the built `reesx` executable
const char* shared_validation_dir();  //!< ../shared/validation (may be absent)
}  // namespace reesx_test

#define REESX_SOURCE_DIR ::reesx_test::source_dir()
#define REESX_TEST_DATA_DIR ::reesx_test::test_data_dir()
#define REESX_BINARY ::reesx_test::binary()
#define REESX_SHARED_VALIDATION_DIR ::reesx_test::shared_validation_dir()
