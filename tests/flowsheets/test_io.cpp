// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Result-file plumbing: the HDF5 layer (reesx/io/Hdf5.h) and atomic file replacement
// (reesx/io/AtomicFile.h).
//
// Hdf5: everything written reads back exactly (doubles are stored as IEEE float64, so the
// comparisons are exact), every dataset carries its `units` attribute, groups nest, and every
// failure is a reesx::Error naming the HDF5 function, the object and the file.
// AtomicFile: a successful write replaces the target; a writer that throws leaves the old
// file byte for byte and no temporary file behind.
//
// Each test works in its own fresh directory under the system temp directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "reesx/core/Error.h"
#include "reesx/io/AtomicFile.h"
#include "reesx/io/Hdf5.h"

namespace reesx::io {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class TempDir : public ::testing::Test {
protected:
    void SetUp() override
    {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() / ("reesx-test-io-" + std::to_string(::getpid()) + "-" +
                                            info->test_suite_name() + "-" + info->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override
    {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    std::string file(const std::string& name) const { return (dir_ / name).string(); }

    std::vector<std::string> directory_listing() const
    {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir_)) {
            names.push_back(entry.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    fs::path dir_;
};

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

//! The message of the reesx::Error that `f` throws ("" and a test failure if none).
template <class F>
std::string error_message(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected a reesx::Error";
    return "";
}

using Hdf5 = TempDir;
using AtomicFile = TempDir;

TEST_F(Hdf5, roundTripsOneDimensionalDoublesWithUnits)
{
    const std::string path = file("a.h5");
    const std::vector<double> values = {0.0, -1.5, 1e-300, 6.02214076e23,
                                        std::numeric_limits<double>::infinity()};
    {
        Hdf5Writer h5(path);
        h5.write_dataset("/flow", values, "L/h");
        h5.close();
    }
    std::vector<std::size_t> dims;
    EXPECT_EQ(read_dataset(path, "/flow", &dims), values);  // float64 on disk: exact
    EXPECT_EQ(dims, std::vector<std::size_t>{values.size()});
    EXPECT_EQ(read_string_attribute(path, "/flow", "units"), "L/h");
}

TEST_F(Hdf5, roundTripsTwoDimensionalRowMajorDoubles)
{
    const std::string path = file("a.h5");
    const std::vector<double> row_major = {1, 2, 3, 4, 5, 6};
    {
        Hdf5Writer h5(path);
        h5.write_dataset("/concentration", row_major, 2, 3, "mol/L");
        h5.close();
    }
    std::vector<std::size_t> dims;
    EXPECT_EQ(read_dataset(path, "/concentration", &dims), row_major);
    EXPECT_EQ(dims, (std::vector<std::size_t>{2, 3}));
    EXPECT_EQ(read_string_attribute(path, "/concentration", "units"), "mol/L");
}

TEST_F(Hdf5, roundTripsIntsAndEmptyDatasets)
{
    const std::string path = file("a.h5");
    {
        Hdf5Writer h5(path);
        h5.write_dataset("/number", std::vector<int>{1, 2, -3, 2147483647}, "1");
        h5.write_dataset("/empty", std::vector<double>{}, "mol/h");
        h5.write_strings("/no_names", {});
        h5.close();
    }
    EXPECT_EQ(read_dataset(path, "/number"), (std::vector<double>{1, 2, -3, 2147483647}));
    EXPECT_EQ(read_string_attribute(path, "/number", "units"), "1");
    std::vector<std::size_t> dims;
    EXPECT_TRUE(read_dataset(path, "/empty", &dims).empty());
    EXPECT_EQ(dims, std::vector<std::size_t>{0});
    EXPECT_TRUE(read_strings(path, "/no_names").empty());
}

TEST_F(Hdf5, roundTripsUtf8StringArrays)
{
    const std::string path = file("a.h5");
    const std::vector<std::string> names = {"La", "Ce", "", "Dy₂O₃ — é", "a longer name here"};
    {
        Hdf5Writer h5(path);
        h5.write_strings("/components", names);
        h5.close();
    }
    EXPECT_EQ(read_strings(path, "/components"), names);
    EXPECT_FALSE(object_exists(path, "/components/units"));
}

TEST_F(Hdf5, writesAttributesOfEachTypeOnRootAndGroups)
{
    const std::string path = file("a.h5");
    // Longer than HDF5's 64 KiB object-header limit: variable-length strings must carry it.
    const std::string resolved_input(100000, 'x');
    {
        Hdf5Writer h5(path);
        h5.write_attribute("/", "filetype", "reesx-result");
        h5.write_attribute("/", "resolved_input", resolved_input);
        h5.write_attribute("/", "tolerance", 1e-10);
        h5.write_attribute("/", "iterations", 42L);
        h5.create_group("/solver");
        h5.write_attribute("/solver", "method", "newton");
        h5.write_attribute("/solver", "seconds", 0.25);
        h5.write_attribute("/solver", "stage", -7L);
        h5.write_attribute("/solver", "method", "pseudo-transient");  // replaces the first value
        h5.write_dataset("/x", std::vector<double>{1.0}, "1");
        h5.write_attribute("/x", "note", "on a dataset");
        h5.close();
    }
    EXPECT_EQ(read_string_attribute(path, "/", "filetype"), "reesx-result");
    EXPECT_EQ(read_string_attribute(path, "/", "resolved_input"), resolved_input);
    EXPECT_EQ(read_double_attribute(path, "/", "tolerance"), 1e-10);
    EXPECT_EQ(read_long_attribute(path, "/", "iterations"), 42L);
    EXPECT_EQ(read_double_attribute(path, "/", "iterations"), 42.0);
    EXPECT_EQ(read_string_attribute(path, "/solver", "method"), "pseudo-transient");
    EXPECT_EQ(read_double_attribute(path, "/solver", "seconds"), 0.25);
    EXPECT_EQ(read_long_attribute(path, "/solver", "stage"), -7L);
    EXPECT_EQ(read_string_attribute(path, "/x", "note"), "on a dataset");

    EXPECT_THAT(error_message([&] { read_long_attribute(path, "/solver", "seconds"); }),
                HasSubstr("not an integer attribute"));
    EXPECT_THAT(error_message([&] { read_string_attribute(path, "/solver", "seconds"); }),
                HasSubstr("not a string type"));
    const std::string missing =
        error_message([&] { read_string_attribute(path, "/solver", "absent"); });
    EXPECT_THAT(missing, HasSubstr("H5Aopen_by_name"));
    EXPECT_THAT(missing, HasSubstr("attribute 'absent' of '/solver'"));
    EXPECT_THAT(missing, HasSubstr(path));
}

TEST_F(Hdf5, createsNestedGroupsAndParentsOfDatasets)
{
    const std::string path = file("a.h5");
    {
        Hdf5Writer h5(path);
        h5.create_group("/stages/aqueous");
        h5.create_group("/stages/aqueous");  // existing group: no error
        h5.create_group("/stages");
        h5.write_dataset("/products/raffinate/flow", std::vector<double>{2.5}, "L/h");
        EXPECT_THAT(error_message([&] { h5.create_group("/products/raffinate/flow"); }),
                    HasSubstr("not a group"));
        h5.close();
    }
    EXPECT_TRUE(object_exists(path, "/"));
    EXPECT_TRUE(object_exists(path, "/stages"));
    EXPECT_TRUE(object_exists(path, "/stages/aqueous"));
    EXPECT_TRUE(object_exists(path, "/products/raffinate"));
    EXPECT_TRUE(object_exists(path, "/products/raffinate/flow"));
    EXPECT_FALSE(object_exists(path, "/stages/organic"));
    EXPECT_FALSE(object_exists(path, "/nothing/below/here"));         // missing intermediate
    EXPECT_FALSE(object_exists(path, "/products/raffinate/flow/x"));  // below a dataset
    EXPECT_EQ(read_dataset(path, "/products/raffinate/flow"), std::vector<double>{2.5});
}

TEST_F(Hdf5, failsNamingThePathWhenTheDirectoryDoesNotExist)
{
    const std::string path = file("no-such-dir/out.h5");
    const std::string message = error_message([&] { Hdf5Writer h5(path); });
    EXPECT_THAT(message, HasSubstr("H5Fcreate"));
    EXPECT_THAT(message, HasSubstr(path));
    EXPECT_THAT(message, HasSubstr("No such file or directory"));  // HDF5 passes on errno
    EXPECT_FALSE(fs::exists(dir_ / "no-such-dir"));
}

TEST_F(Hdf5, errorsNameTheFunctionObjectAndFile)
{
    const std::string path = file("a.h5");
    Hdf5Writer h5(path);
    h5.write_dataset("/x", std::vector<double>{1.0}, "1");
    const std::string duplicate =
        error_message([&] { h5.write_dataset("/x", std::vector<double>{2.0}, "1"); });
    EXPECT_THAT(duplicate, HasSubstr("H5Dcreate2"));
    EXPECT_THAT(duplicate, HasSubstr("'/x'"));
    EXPECT_THAT(duplicate, HasSubstr(path));

    EXPECT_THAT(error_message([&] {
                    h5.write_dataset("/m", {1, 2, 3}, 2, 2, "1");
                }),
                HasSubstr("shape 2 x 2 needs 4 values, got 3"));
    EXPECT_THAT(error_message([&] { h5.write_attribute("/absent", "a", 1.0); }),
                HasSubstr("H5Oopen"));
    h5.close();
    h5.close();  // a second close does nothing
    EXPECT_THAT(error_message([&] { h5.create_group("/late"); }), HasSubstr("already closed"));

    EXPECT_THAT(error_message([&] { read_dataset(path, "/absent"); }), HasSubstr("'/absent'"));
    EXPECT_THAT(error_message([&] { read_dataset(file("missing.h5"), "/x"); }),
                HasSubstr("H5Fopen"));
    EXPECT_THAT(error_message([&] { object_exists(file("missing.h5"), "/x"); }),
                HasSubstr("missing.h5"));
}

TEST_F(AtomicFile, successReplacesContentAndLeavesNoTempFile)
{
    const std::string path = file("out.json");
    write_text_atomically(path, "old\n");
    write_text_atomically(path, "new\n");
    EXPECT_EQ(slurp(path), "new\n");
    EXPECT_EQ(directory_listing(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicFile, writerGetsAHiddenTempFileInTheSameDirectory)
{
    const std::string path = file("out.h5");
    std::string seen;
    write_file_atomically(path, [&](const std::string& temp) {
        seen = temp;
        Hdf5Writer h5(temp);
        h5.write_attribute("/", "filetype", "reesx-result");
        h5.close();
    });
    EXPECT_EQ(fs::path(seen).parent_path(), dir_);
    EXPECT_THAT(fs::path(seen).filename().string(),
                ::testing::StartsWith(".out.h5.tmp-" + std::to_string(::getpid()) + "-"));
    EXPECT_EQ(read_string_attribute(path, "/", "filetype"), "reesx-result");
    EXPECT_EQ(directory_listing(), std::vector<std::string>{"out.h5"});
}

TEST_F(AtomicFile, throwingWriterLeavesExistingFileUntouched)
{
    const std::string path = file("out.h5");
    write_text_atomically(path, "previous result");
    EXPECT_THROW(write_file_atomically(path,
                                       [&](const std::string& temp) {
                                           Hdf5Writer h5(temp);
                                           h5.write_dataset("/x", std::vector<double>{1.0}, "1");
                                           throw std::runtime_error("solver failed mid-write");
                                       }),
                 std::runtime_error);
    EXPECT_EQ(slurp(path), "previous result");
    EXPECT_EQ(directory_listing(), std::vector<std::string>{"out.h5"});

    // An HDF5 failure inside the writer propagates as reesx::Error, with the same cleanup.
    EXPECT_THROW(write_file_atomically(path,
                                       [&](const std::string& temp) {
                                           Hdf5Writer h5(temp);
                                           h5.write_attribute("/absent", "a", 1L);
                                       }),
                 Error);
    EXPECT_EQ(slurp(path), "previous result");
    EXPECT_EQ(directory_listing(), std::vector<std::string>{"out.h5"});
}

TEST_F(AtomicFile, throwingWriterWithoutExistingFileLeavesNothing)
{
    EXPECT_THROW(write_file_atomically(file("out.json"),
                                       [](const std::string& temp) {
                                           std::ofstream(temp) << "partial";
                                           throw Error("stop");
                                       }),
                 Error);
    EXPECT_TRUE(directory_listing().empty());
}

TEST_F(AtomicFile, failsNamingThePathWhenTheDirectoryDoesNotExist)
{
    const std::string path = file("no-such-dir/out.json");
    const std::string message = error_message([&] { write_text_atomically(path, "x"); });
    EXPECT_THAT(message, HasSubstr(path));
    EXPECT_THAT(message, HasSubstr("No such file or directory"));

    write_text_atomically(file("plain"), "a file, not a directory");
    const std::string below_file = file("plain/out.json");
    const std::string message2 = error_message([&] { write_text_atomically(below_file, "x"); });
    EXPECT_THAT(message2, HasSubstr(below_file));
    EXPECT_THAT(message2, HasSubstr("Not a directory"));
}

TEST_F(AtomicFile, failsNamingThePathWhenTheDirectoryIsNotWritable)
{
    if (::geteuid() == 0) {
        GTEST_SKIP() << "root ignores directory permissions";
    }
    const fs::path locked = dir_ / "locked";
    fs::create_directory(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    const std::string path = (locked / "out.json").string();
    const std::string message = error_message([&] { write_text_atomically(path, "x"); });
    fs::permissions(locked, fs::perms::owner_all);
    EXPECT_THAT(message, HasSubstr(path));
    EXPECT_THAT(message, HasSubstr("Permission denied"));
}

TEST_F(AtomicFile, renameOntoADirectoryFailsAndCleansUp)
{
    fs::create_directory(dir_ / "taken");
    const std::string path = file("taken");
    const std::string message = error_message([&] { write_text_atomically(path, "x"); });
    EXPECT_THAT(message, HasSubstr("cannot write '" + path + "'"));
    EXPECT_EQ(directory_listing(), std::vector<std::string>{"taken"});
}

}  // namespace
}  // namespace reesx::io
