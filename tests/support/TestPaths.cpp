// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "TestPaths.h"

namespace reesx_test {
const char* source_dir()
{
    return REESX_SOURCE_DIR_PATH;
}
const char* test_data_dir()
{
    return REESX_TEST_DATA_DIR_PATH;
}
const char* binary()
{
    return REESX_BINARY_PATH;
}
const char* shared_validation_dir()
{
    return REESX_SHARED_VALIDATION_DIR_PATH;
}
}  // namespace reesx_test
