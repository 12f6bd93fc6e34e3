// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// A thin layer over the HDF5 C API for result files (OpenMC-style free functions plus one RAII
// writer). HDF5's headers stay in Hdf5.cpp, so users of reesx_flowsheets need no HDF5 include
// path. Every failure throws reesx::Error naming the HDF5 function, the object and the file;
// HDF5's own printing to stderr is switched off.
//
// Conventions: datasets are contiguous (no compression); every dataset carries a `units`
// string attribute ("1" for dimensionless); strings, in datasets and attributes, are
// variable-length UTF-8 (variable length also keeps long attributes, such as the resolved
// input text, clear of HDF5's 64 KiB object-header limit). Paths are absolute ("/a/b").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace reesx::io {

//! Creates (truncates) an HDF5 file and writes groups, datasets and attributes into it. The
//! file stays open for the writer's lifetime; the destructor closes it silently, close()
//! closes it and reports errors. Not thread-safe; one writer per file.
class Hdf5Writer {
public:
    explicit Hdf5Writer(const std::string& path);
    ~Hdf5Writer();
    Hdf5Writer(const Hdf5Writer&) = delete;
    Hdf5Writer& operator=(const Hdf5Writer&) = delete;
    Hdf5Writer(Hdf5Writer&& other) noexcept;
    Hdf5Writer& operator=(Hdf5Writer&&) = delete;

    //! Creates a group and any missing intermediate groups; an existing group is left alone.
    void create_group(const std::string& path);

    //! Sets a scalar attribute on the group or dataset at `object_path` ("/" for the root),
    //! replacing an attribute of the same name.
    void write_attribute(const std::string& object_path, const std::string& name,
                         const std::string& value);
    void write_attribute(const std::string& object_path, const std::string& name, double value);
    void write_attribute(const std::string& object_path, const std::string& name, long value);

    //! 1-D float64 dataset with a `units` attribute ("mol/L", "L/h", "1" if dimensionless).
    //! Missing intermediate groups are created; an existing dataset is an error.
    void write_dataset(const std::string& path, const std::vector<double>& values,
                       const std::string& units);
    //! Scalar (rank 0) float64 dataset with a `units` attribute.
    void write_scalar(const std::string& path, double value, const std::string& units);
    //! 2-D float64 dataset [rows × cols] from row-major values; rows·cols must match the size.
    void write_dataset(const std::string& path, const std::vector<double>& row_major,
                       std::size_t rows, std::size_t cols, const std::string& units);
    //! 1-D int32 dataset with a `units` attribute (counts, indices: "1").
    void write_dataset(const std::string& path, const std::vector<int>& values,
                       const std::string& units);
    //! 1-D dataset of variable-length UTF-8 strings (names, labels; no `units`).
    void write_strings(const std::string& path, const std::vector<std::string>& values);

    //! Flushes and closes the file now, throwing on failure. Later writes throw; a second
    //! close() does nothing.
    void close();

    const std::string& path() const { return path_; }

private:
    //! Throws unless the file is open; returns its HDF5 identifier.
    std::int64_t file_id(const char* operation, const std::string& object) const;

    std::string path_;
    std::int64_t file_ = -1;  // hid_t (a 64-bit integer since HDF5 1.10); -1 when closed
};

//! Reads a numeric dataset (any integer or float type) as doubles, in row-major order; its
//! shape goes to `dims` when given (empty for a scalar).
std::vector<double> read_dataset(const std::string& file, const std::string& path,
                                 std::vector<std::size_t>* dims = nullptr);

//! Reads a 1-D dataset of strings (variable- or fixed-length).
std::vector<std::string> read_strings(const std::string& file, const std::string& path);

//! Reads a scalar string attribute of the object at `object_path` ("/" for the root).
std::string read_string_attribute(const std::string& file, const std::string& object_path,
                                  const std::string& name);
//! Reads a scalar numeric attribute, converted to double.
double read_double_attribute(const std::string& file, const std::string& object_path,
                             const std::string& name);
//! Reads a scalar integer attribute.
long read_long_attribute(const std::string& file, const std::string& object_path,
                         const std::string& name);

//! Whether a group or dataset exists at `path` (false also when an intermediate group is
//! missing). Throws when the file itself cannot be opened.
bool object_exists(const std::string& file, const std::string& path);

}  // namespace reesx::io
