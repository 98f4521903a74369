// The webjobs-launcher program, embedded in this binary.
//
// PosixProcessSpawner::Park() starts it to hold a scheduled run until its
// slot (src/launcher/launcher_main.cc describes the protocol). The host
// copies it into a sealed memfd at start and executes it from there, so
// no file on disk can replace it and the webjobs binary stays the only
// file to install.
#pragma once

#include <string_view>

#include "core/result.h"
#include "process/unique_fd.h"

namespace webjobs {

// The launcher's bytes: a static ELF executable for this machine.
std::string_view LauncherImage();

// Returns a close-on-exec memfd that contains LauncherImage(), sealed
// against every change. kUnavailable when the kernel refuses an executable
// memfd (vm.memfd_noexec = 2), kIo for other failures.
Result<UniqueFd> CreateLauncherImage();

}  // namespace webjobs
