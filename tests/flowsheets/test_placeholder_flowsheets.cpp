#include <gtest/gtest.h>
TEST(Placeholder_flowsheets, builds) { SUCCEED(); }
