#include <gtest/gtest.h>
TEST(Placeholder_thermo, builds) { SUCCEED(); }
