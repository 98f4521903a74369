// The webjobs-launcher program, embedded in this binary.
//
// PosixProcessSpawner::Park() starts it to hold a scheduled run until its
// slot (src/launcher/launcher_main.cc describes the protocol). The host
// writes it into its data folder at start, so the webjobs binary stays
// the only file to install.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/result.h"

namespace webjobs {

// The launcher's bytes: a static ELF executable for this machine.
std::string_view LauncherImage();

// Writes the launcher into `dir` as "webjobs-launcher" with mode 0755,
// creating `dir` when needed, and returns its path. An identical file is
// kept. Another is replaced by a rename, so a launcher that runs keeps its
// own image. Errors name the path: kUnavailable when `dir` is on a file
// system mounted noexec, kIo for other failures.
Result<std::filesystem::path> InstallLauncher(const std::filesystem::path& dir);

}  // namespace webjobs
