// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/io/Hdf5.h"

#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>

#include <hdf5.h>

#include "reesx/core/Error.h"

// The header stores identifiers as std::int64_t so that it needs no HDF5 include.
static_assert(std::is_same_v<hid_t, std::int64_t>, "reesx needs HDF5 >= 1.10 (64-bit hid_t)");

namespace reesx::io {
namespace {

//! What an HDF5 call was aimed at, for error messages.
struct Where {
    std::string_view file;
    std::string_view object = {};
    std::string_view attribute = {};
};

//! HDF5 prints its error stack to stderr by default; we report through exceptions instead.
//! The setting is per thread in a thread-safe build (Debian's), so every entry point calls this.
void quiet_hdf5()
{
    if (H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) < 0) {
        throw Error("HDF5: H5Eset_auto2 failed; cannot switch off HDF5 error printing");
    }
}

herr_t take_innermost(unsigned n, const H5E_error2_t* error, void* data)
{
    if (n == 0 && error->desc != nullptr) {
        *static_cast<std::string*>(data) = error->desc;
    }
    return 0;
}

//! The innermost (most specific) message on HDF5's error stack, e.g. the system's reason
//! for a failed open; clears the stack.
std::string hdf5_detail()
{
    // Best effort: the caller is already reporting a failure, so a failure here only loses
    // the detail.
    std::string detail;
    if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_innermost, &detail) < 0) {
        detail.clear();
    }
    static_cast<void>(H5Eclear2(H5E_DEFAULT));
    return detail;
}

[[noreturn]] void fail(std::string_view function, const Where& where, std::string_view reason = {})
{
    // Appended piecewise: GCC 12 gives a false -Wrestrict on `"literal" + std::string(...)`.
    std::string message = "HDF5 ";
    message += function;
    message += " failed for ";
    if (!where.attribute.empty()) {
        message.append("attribute '").append(where.attribute).append("' of ");
    }
    if (!where.object.empty()) {
        message.append("'").append(where.object).append("' in ");
    }
    message.append("file '").append(where.file).append("'");
    const std::string detail = reason.empty() ? hdf5_detail() : std::string(reason);
    if (!detail.empty()) {
        message += ": " + detail;
    }
    throw Error(message);
}

void check(herr_t status, std::string_view function, const Where& where)
{
    if (status < 0) {
        fail(function, where);
    }
}

bool check_tri(htri_t status, std::string_view function, const Where& where)
{
    if (status < 0) {
        fail(function, where);
    }
    return status > 0;
}

//! Owns one HDF5 identifier. The destructor closes it silently (it may run during unwinding);
//! close() reports failure, for handles whose closing completes a write.
class Handle {
public:
    using CloseFn = herr_t (*)(hid_t);

    Handle(hid_t id, CloseFn close_fn, const char* close_name)
        : id_(id), close_fn_(close_fn), close_name_(close_name)
    {
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle(Handle&& other) noexcept
        : id_(std::exchange(other.id_, H5I_INVALID_HID)),
          close_fn_(other.close_fn_),
          close_name_(other.close_name_)
    {
    }
    Handle& operator=(Handle&&) = delete;
    ~Handle()
    {
        if (id_ >= 0) {
            close_fn_(id_);
        }
    }

    hid_t get() const { return id_; }

    void close(const Where& where)
    {
        check(close_fn_(std::exchange(id_, H5I_INVALID_HID)), close_name_, where);
    }

private:
    hid_t id_ = H5I_INVALID_HID;
    CloseFn close_fn_ = nullptr;
    const char* close_name_ = "";
};

Handle checked(hid_t id, std::string_view function, const Where& where, Handle::CloseFn close_fn,
               const char* close_name)
{
    if (id < 0) {
        fail(function, where);
    }
    return Handle(id, close_fn, close_name);
}

Handle property_list(hid_t cls, const Where& where)
{
    return checked(H5Pcreate(cls), "H5Pcreate", where, H5Pclose, "H5Pclose");
}

//! Link-creation properties that create missing intermediate groups ("/a/b" for "/a/b/c").
Handle intermediate_groups(const Where& where)
{
    Handle lcpl = property_list(H5P_LINK_CREATE, where);
    check(H5Pset_create_intermediate_group(lcpl.get(), 1), "H5Pset_create_intermediate_group",
          where);
    return lcpl;
}

Handle string_type(H5T_cset_t cset, const Where& where)
{
    Handle type = checked(H5Tcopy(H5T_C_S1), "H5Tcopy", where, H5Tclose, "H5Tclose");
    check(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size", where);
    check(H5Tset_cset(type.get(), cset), "H5Tset_cset", where);
    return type;
}

Handle scalar_space(const Where& where)
{
    return checked(H5Screate(H5S_SCALAR), "H5Screate", where, H5Sclose, "H5Sclose");
}

Handle open_object(hid_t file, const std::string& path, const Where& where)
{
    return checked(H5Oopen(file, path.c_str(), H5P_DEFAULT), "H5Oopen", where, H5Oclose,
                   "H5Oclose");
}

bool is_group(hid_t file, const std::string& path, const Where& where)
{
    const Handle object = open_object(file, path, where);
    const H5I_type_t type = H5Iget_type(object.get());
    if (type == H5I_BADID) {
        fail("H5Iget_type", where);
    }
    return type == H5I_GROUP;
}

//! H5Lexists fails (rather than answering false) when an intermediate group is missing, so
//! walk the path one link at a time.
bool exists_in(hid_t file, const std::string& path, const Where& where)
{
    std::string prefix;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) {
            end = path.size();
        }
        if (end > start) {
            if (!prefix.empty() && !is_group(file, prefix, where)) {
                return false;
            }
            prefix += '/';
            prefix.append(path, start, end - start);
            if (!check_tri(H5Lexists(file, prefix.c_str(), H5P_DEFAULT), "H5Lexists", where)) {
                return false;
            }
        }
        start = end + 1;
    }
    if (prefix.empty()) {
        return true;  // the root group
    }
    // A soft link may dangle.
    return check_tri(H5Oexists_by_name(file, prefix.c_str(), H5P_DEFAULT), "H5Oexists_by_name",
                     where);
}

//! Sets a scalar attribute on an open object, replacing one of the same name.
void set_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                   const void* value, const Where& where)
{
    if (check_tri(H5Aexists(object, name.c_str()), "H5Aexists", where)) {
        check(H5Adelete(object, name.c_str()), "H5Adelete", where);
    }
    const Handle space = scalar_space(where);
    Handle attribute =
        checked(H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                "H5Acreate2", where, H5Aclose, "H5Aclose");
    check(H5Awrite(attribute.get(), memory_type, value), "H5Awrite", where);
    attribute.close(where);
}

void set_string_attribute(hid_t object, const std::string& name, const std::string& value,
                          const Where& where)
{
    const Handle type = string_type(H5T_CSET_UTF8, where);
    const char* text = value.c_str();
    set_attribute(object, name, type.get(), type.get(), &text, where);
}

//! Creates a contiguous dataset (and missing parent groups), writes it and, when `units` is
//! given, its units attribute.
void write_array(hid_t file, const std::string& path, hid_t file_type, hid_t memory_type,
                 const void* data, const std::vector<hsize_t>& dims, const std::string* units,
                 const Where& where)
{
    const Handle lcpl = intermediate_groups(where);
    // No dimensions: a scalar dataset.
    const Handle space =
        dims.empty()
            ? checked(H5Screate(H5S_SCALAR), "H5Screate", where, H5Sclose, "H5Sclose")
            : checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                      "H5Screate_simple", where, H5Sclose, "H5Sclose");
    Handle dataset = checked(H5Dcreate2(file, path.c_str(), file_type, space.get(), lcpl.get(),
                                        H5P_DEFAULT, H5P_DEFAULT),
                             "H5Dcreate2", where, H5Dclose, "H5Dclose");
    hsize_t count = 1;
    for (hsize_t d : dims) {
        count *= d;
    }
    // HDF5 rejects a null buffer even for zero elements; there is nothing to write then.
    if (count > 0) {
        check(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "H5Dwrite",
              where);
    }
    if (units != nullptr) {
        set_string_attribute(dataset.get(), "units", *units,
                             Where{where.file, where.object, "units"});
    }
    dataset.close(where);
}

herr_t reclaim_strings(hid_t memory_type, hid_t space, void* buffer)
{
#if H5_VERSION_GE(1, 12, 0)
    return H5Treclaim(memory_type, space, H5P_DEFAULT, buffer);
#else
    return H5Dvlen_reclaim(memory_type, space, H5P_DEFAULT, buffer);
#endif
}

Handle open_file(const std::string& file)
{
    const Where where{file};
    const Handle fapl = property_list(H5P_FILE_ACCESS, where);
    // Closing the file then also closes anything an exception left open.
    check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "H5Pset_fclose_degree", where);
    return checked(H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl.get()), "H5Fopen", where, H5Fclose,
                   "H5Fclose");
}

hsize_t point_count(hid_t space, const Where& where)
{
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0) {
        fail("H5Sget_simple_extent_npoints", where);
    }
    return static_cast<hsize_t>(n);
}

H5T_class_t type_class(hid_t type, const Where& where)
{
    const H5T_class_t cls = H5Tget_class(type);
    if (cls == H5T_NO_CLASS) {
        fail("H5Tget_class", where);
    }
    return cls;
}

//! Reads `count` strings of `type` (variable- or fixed-length) through `read(memory_type,
//! buffer)`, which wraps H5Dread or H5Aread.
template <class Read>
std::vector<std::string> read_string_values(hid_t type, hid_t space, hsize_t count,
                                            const Read& read, const Where& where)
{
    if (type_class(type, where) != H5T_STRING) {
        fail("read_strings", where, "not a string type");
    }
    const H5T_cset_t cset = H5Tget_cset(type);
    if (cset == H5T_CSET_ERROR) {
        fail("H5Tget_cset", where);
    }
    std::vector<std::string> values;
    values.reserve(count);
    if (check_tri(H5Tis_variable_str(type), "H5Tis_variable_str", where)) {
        if (count == 0) {
            return values;  // nothing read, nothing to reclaim (HDF5 rejects a null buffer)
        }
        const Handle memory_type = string_type(cset, where);
        std::vector<char*> text(count, nullptr);
        read(memory_type.get(), text.data());
        try {
            for (const char* t : text) {
                values.emplace_back(t != nullptr ? t : "");
            }
        } catch (...) {
            reclaim_strings(memory_type.get(), space, text.data());
            throw;
        }
        check(reclaim_strings(memory_type.get(), space, text.data()), "H5Dvlen_reclaim", where);
        return values;
    }
    const std::size_t size = H5Tget_size(type);
    if (size == 0) {
        fail("H5Tget_size", where);
    }
    const H5T_str_t pad = H5Tget_strpad(type);
    if (pad == H5T_STR_ERROR) {
        fail("H5Tget_strpad", where);
    }
    std::vector<char> buffer(count * size);
    if (count > 0) {
        read(type, buffer.data());
    }
    for (hsize_t i = 0; i < count; ++i) {
        const char* begin = buffer.data() + i * size;
        std::size_t length = strnlen(begin, size);
        while (pad == H5T_STR_SPACEPAD && length > 0 && begin[length - 1] == ' ') {
            --length;
        }
        values.emplace_back(begin, length);
    }
    return values;
}

//! Reads a scalar numeric attribute into `value` (HDF5 converts to `memory_type`).
template <class T>
T read_scalar_attribute(const std::string& file, const std::string& object_path,
                        const std::string& name, hid_t memory_type, bool allow_float)
{
    quiet_hdf5();
    const Where where{file, object_path, name};
    const Handle f = open_file(file);
    const Handle attribute = checked(
        H5Aopen_by_name(f.get(), object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
        "H5Aopen_by_name", where, H5Aclose, "H5Aclose");
    const Handle type =
        checked(H5Aget_type(attribute.get()), "H5Aget_type", where, H5Tclose, "H5Tclose");
    const H5T_class_t cls = type_class(type.get(), where);
    if (cls != H5T_INTEGER && !(allow_float && cls == H5T_FLOAT)) {
        fail("H5Aread", where,
             allow_float ? "not a numeric attribute" : "not an integer attribute");
    }
    const Handle space =
        checked(H5Aget_space(attribute.get()), "H5Aget_space", where, H5Sclose, "H5Sclose");
    if (point_count(space.get(), where) != 1) {
        fail("H5Aread", where, "not a scalar attribute");
    }
    T value{};
    check(H5Aread(attribute.get(), memory_type, &value), "H5Aread", where);
    return value;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Hdf5Writer

Hdf5Writer::Hdf5Writer(const std::string& path) : path_(path)
{
    quiet_hdf5();
    const Where where{path_};
    const Handle fapl = property_list(H5P_FILE_ACCESS, where);
    // Closing the file then also closes anything an exception left open.
    check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "H5Pset_fclose_degree", where);
    file_ = H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
    if (file_ < 0) {
        fail("H5Fcreate", where);
    }
}

Hdf5Writer::~Hdf5Writer()
{
    if (file_ >= 0) {
        H5Fclose(file_);
    }
}

Hdf5Writer::Hdf5Writer(Hdf5Writer&& other) noexcept
    : path_(std::move(other.path_)), file_(std::exchange(other.file_, -1))
{
}

std::int64_t Hdf5Writer::file_id(const char* operation, const std::string& object) const
{
    if (file_ < 0) {
        throw Error(std::string("Hdf5Writer::") + operation + ": file '" + path_ +
                    "' is already closed (writing '" + object + "')");
    }
    quiet_hdf5();
    return file_;
}

void Hdf5Writer::create_group(const std::string& path)
{
    const hid_t file = file_id("create_group", path);
    const Where where{path_, path};
    if (exists_in(file, path, where)) {
        if (!is_group(file, path, where)) {
            fail("H5Gcreate2", where, "an object that is not a group exists there");
        }
        return;
    }
    const Handle lcpl = intermediate_groups(where);
    Handle group = checked(H5Gcreate2(file, path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
                           "H5Gcreate2", where, H5Gclose, "H5Gclose");
    group.close(where);
}

void Hdf5Writer::write_attribute(const std::string& object_path, const std::string& name,
                                 const std::string& value)
{
    const hid_t file = file_id("write_attribute", object_path);
    const Where where{path_, object_path, name};
    Handle object = open_object(file, object_path, where);
    set_string_attribute(object.get(), name, value, where);
    object.close(where);
}

void Hdf5Writer::write_attribute(const std::string& object_path, const std::string& name,
                                 double value)
{
    const hid_t file = file_id("write_attribute", object_path);
    const Where where{path_, object_path, name};
    Handle object = open_object(file, object_path, where);
    set_attribute(object.get(), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, where);
    object.close(where);
}

void Hdf5Writer::write_attribute(const std::string& object_path, const std::string& name,
                                 long value)
{
    const hid_t file = file_id("write_attribute", object_path);
    const Where where{path_, object_path, name};
    Handle object = open_object(file, object_path, where);
    set_attribute(object.get(), name, H5T_STD_I64LE, H5T_NATIVE_LONG, &value, where);
    object.close(where);
}

void Hdf5Writer::write_dataset(const std::string& path, const std::vector<double>& values,
                               const std::string& units)
{
    const hid_t file = file_id("write_dataset", path);
    write_array(file, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data(), {values.size()},
                &units, Where{path_, path});
}

void Hdf5Writer::write_scalar(const std::string& path, double value, const std::string& units)
{
    const hid_t file = file_id("write_scalar", path);
    write_array(file, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, {}, &units,
                Where{path_, path});
}

void Hdf5Writer::write_dataset(const std::string& path, const std::vector<double>& row_major,
                               std::size_t rows, std::size_t cols, const std::string& units)
{
    const hid_t file = file_id("write_dataset", path);
    const Where where{path_, path};
    if (rows * cols != row_major.size()) {
        fail("H5Dcreate2", where,
             std::string("shape ") + std::to_string(rows) + " x " + std::to_string(cols) +
                 " needs " + std::to_string(rows * cols) + " values, got " +
                 std::to_string(row_major.size()));
    }
    write_array(file, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, row_major.data(), {rows, cols},
                &units, where);
}

void Hdf5Writer::write_dataset(const std::string& path, const std::vector<int>& values,
                               const std::string& units)
{
    const hid_t file = file_id("write_dataset", path);
    write_array(file, path, H5T_STD_I32LE, H5T_NATIVE_INT, values.data(), {values.size()}, &units,
                Where{path_, path});
}

void Hdf5Writer::write_strings(const std::string& path, const std::vector<std::string>& values)
{
    const hid_t file = file_id("write_strings", path);
    const Where where{path_, path};
    const Handle type = string_type(H5T_CSET_UTF8, where);
    std::vector<const char*> text;
    text.reserve(values.size());
    for (const auto& v : values) {
        text.push_back(v.c_str());
    }
    write_array(file, path, type.get(), type.get(), text.data(), {values.size()}, nullptr, where);
}

void Hdf5Writer::close()
{
    if (file_ < 0) {
        return;
    }
    quiet_hdf5();
    check(H5Fclose(std::exchange(file_, -1)), "H5Fclose", Where{path_});
}

// ---------------------------------------------------------------------------------------------
// Reading

std::vector<double> read_dataset(const std::string& file, const std::string& path,
                                 std::vector<std::size_t>* dims)
{
    quiet_hdf5();
    const Where where{file, path};
    const Handle f = open_file(file);
    const Handle dataset = checked(H5Dopen2(f.get(), path.c_str(), H5P_DEFAULT), "H5Dopen2", where,
                                   H5Dclose, "H5Dclose");
    const Handle type =
        checked(H5Dget_type(dataset.get()), "H5Dget_type", where, H5Tclose, "H5Tclose");
    const H5T_class_t cls = type_class(type.get(), where);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
        fail("H5Dread", where, "not a numeric dataset");
    }
    const Handle space =
        checked(H5Dget_space(dataset.get()), "H5Dget_space", where, H5Sclose, "H5Sclose");
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0) {
        fail("H5Sget_simple_extent_ndims", where);
    }
    std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
    if (H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr) < 0) {
        fail("H5Sget_simple_extent_dims", where);
    }
    std::vector<double> values(point_count(space.get(), where));
    if (!values.empty()) {
        check(
            H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            "H5Dread", where);
    }
    if (dims != nullptr) {
        dims->assign(shape.begin(), shape.end());
    }
    return values;
}

std::vector<std::string> read_strings(const std::string& file, const std::string& path)
{
    quiet_hdf5();
    const Where where{file, path};
    const Handle f = open_file(file);
    const Handle dataset = checked(H5Dopen2(f.get(), path.c_str(), H5P_DEFAULT), "H5Dopen2", where,
                                   H5Dclose, "H5Dclose");
    const Handle type =
        checked(H5Dget_type(dataset.get()), "H5Dget_type", where, H5Tclose, "H5Tclose");
    const Handle space =
        checked(H5Dget_space(dataset.get()), "H5Dget_space", where, H5Sclose, "H5Sclose");
    const auto read = [&](hid_t memory_type, void* buffer) {
        check(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), "H5Dread",
              where);
    };
    return read_string_values(type.get(), space.get(), point_count(space.get(), where), read,
                              where);
}

std::string read_string_attribute(const std::string& file, const std::string& object_path,
                                  const std::string& name)
{
    quiet_hdf5();
    const Where where{file, object_path, name};
    const Handle f = open_file(file);
    const Handle attribute = checked(
        H5Aopen_by_name(f.get(), object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
        "H5Aopen_by_name", where, H5Aclose, "H5Aclose");
    const Handle type =
        checked(H5Aget_type(attribute.get()), "H5Aget_type", where, H5Tclose, "H5Tclose");
    const Handle space =
        checked(H5Aget_space(attribute.get()), "H5Aget_space", where, H5Sclose, "H5Sclose");
    const hsize_t count = point_count(space.get(), where);
    if (count != 1) {
        fail("H5Aread", where, "not a scalar attribute");
    }
    const auto read = [&](hid_t memory_type, void* buffer) {
        check(H5Aread(attribute.get(), memory_type, buffer), "H5Aread", where);
    };
    return read_string_values(type.get(), space.get(), count, read, where).front();
}

double read_double_attribute(const std::string& file, const std::string& object_path,
                             const std::string& name)
{
    return read_scalar_attribute<double>(file, object_path, name, H5T_NATIVE_DOUBLE, true);
}

long read_long_attribute(const std::string& file, const std::string& object_path,
                         const std::string& name)
{
    return read_scalar_attribute<long>(file, object_path, name, H5T_NATIVE_LONG, false);
}

bool object_exists(const std::string& file, const std::string& path)
{
    quiet_hdf5();
    const Handle f = open_file(file);
    return exists_in(f.get(), path, Where{file, path});
}

}  // namespace reesx::io
