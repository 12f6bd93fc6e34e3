#include <gtest/gtest.h>
TEST(Placeholder_tools, builds) { SUCCEED(); }
