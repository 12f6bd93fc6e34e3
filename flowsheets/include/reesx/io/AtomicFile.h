// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Output files are written to a temporary file beside the target and renamed onto it, so a
// failed or interrupted run never leaves a half-written result where a good one used to be.
#pragma once

#include <functional>
#include <string>

namespace reesx::io {

//! Calls `writer` with a temporary path in the directory of `path`
//! (".<name>.tmp-<pid>-<counter>"), then renames the temporary file onto `path`.
//! If `writer` throws, the temporary file is removed, the exception propagates and an
//! existing file at `path` is left as it was. Throws reesx::Error, naming `path`, when its
//! directory does not exist or the rename fails. Not safe against a concurrent writer of the
//! same `path` from another process beyond "last rename wins".
void write_file_atomically(const std::string& path,
                           const std::function<void(const std::string& temp_path)>& writer);

//! Writes `text` to `path` atomically (see write_file_atomically). Throws reesx::Error naming
//! `path` and the system's reason (strerror) when the file cannot be written.
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace reesx::io
