// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/io/AtomicFile.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "reesx/core/Error.h"

namespace reesx::io {
namespace {

namespace fs = std::filesystem;

//! ".<name>.tmp-<pid>-<counter>" beside `target`: the same directory keeps the rename atomic
//! (one filesystem); pid and counter keep concurrent writers, threads or processes, apart.
fs::path temp_path_for(const fs::path& target)
{
    static std::atomic<unsigned long> counter{0};
    // Appended piecewise: GCC 12 gives a false -Wrestrict on `"literal" + std::string(...)`.
    std::string name = ".";
    name += target.filename().string();
    name += ".tmp-";
    name += std::to_string(::getpid());
    name += '-';
    name += std::to_string(counter++);
    return target.parent_path() / name;
}

// An output path that cannot be written is a bad command-line input (exit 1).
[[noreturn]] void fail(const std::string& path, const std::string& reason)
{
    throw InputError("cannot write '" + path + "': " + reason);
}

}  // namespace

void write_file_atomically(const std::string& path,
                           const std::function<void(const std::string& temp_path)>& writer)
{
    const fs::path target(path);
    if (!target.has_filename()) {
        fail(path, "not a file name");
    }
    // Check the directory first, so that the message names `path` rather than the temp file.
    const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    const fs::file_status status = fs::status(directory, ec);
    if (status.type() == fs::file_type::not_found) {
        fail(path, std::strerror(ENOENT) + std::string(" (directory '") + directory.string() +
                       "' does not exist)");
    }
    if (ec) {
        fail(path, ec.message() + " (directory '" + directory.string() + "')");
    }
    if (status.type() != fs::file_type::directory) {
        fail(path, std::strerror(ENOTDIR) + std::string(" ('") + directory.string() +
                       "' is not a directory)");
    }

    const fs::path temp = temp_path_for(target);
    try {
        writer(temp.string());
    } catch (...) {
        fs::remove(temp, ec);  // best effort; the writer's exception is what matters
        throw;
    }
    fs::rename(temp, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(temp, ignored);
        fail(path, ec.message() + " (renaming '" + temp.string() + "')");
    }
}

void write_text_atomically(const std::string& path, const std::string& text)
{
    write_file_atomically(path, [&](const std::string& temp) {
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(temp.c_str(), "wb"),
                                                             std::fclose);
        if (!file) {
            fail(path, std::strerror(errno));
        }
        if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size() ||
            std::fflush(file.get()) != 0) {
            fail(path, std::strerror(errno));
        }
        // fclose can still report a deferred write error (a full disk, say).
        if (std::fclose(file.release()) != 0) {
            fail(path, std::strerror(errno));
        }
    });
}

}  // namespace reesx::io
