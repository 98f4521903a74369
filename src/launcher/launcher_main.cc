// webjobs-launcher: keeps a scheduled run's process waiting until its slot.
//
// The host starts this program ahead of a slot, with the job's pipes,
// working directory and environment already in place, so the only work
// left at the slot is the exec of the job's program. The webjobs binary
// embeds it (see src/process/launcher_image.h) and executes it from a
// sealed memfd, passed as descriptor 4.
//
//   webjobs-launcher PROGRAM ARGV0 [ARG...]
//
// Descriptor 3 is a socket to the host. The launcher blocks reading it.
// One byte 'g' means go: it executes PROGRAM with ARGV0 ARG... as its
// argv and its own environment. Anything else (end of file because the
// host dropped the run or died, another byte) ends it with exit code 0
// and nothing executed. When the exec fails, it sends errno as one int to
// the host, writes a line to stderr and exits with 127, as a shell does.
//
// Each scheduled run pays for one more exec, of this program, so it is
// kept small. On x86-64 it is freestanding: no C library, a few system
// calls of its own, a binary of a few KiB that the kernel maps in a few
// pages. glibc's static start-up alone would cost about 300 microseconds
// of CPU time per run on the machine of docs/benchmarks.md. Other
// architectures build the same logic on the C library.
#if defined(__x86_64__)

namespace {

constexpr long kSysRead = 0;
constexpr long kSysWrite = 1;
constexpr long kSysFcntl = 72;
constexpr long kSysExecve = 59;
constexpr long kSysExitGroup = 231;
constexpr long kEintr = 4;
constexpr long kFSetFd = 2;
constexpr long kFdCloexec = 1;

long Syscall(long number, long arg1, long arg2, long arg3) {
  long result;
  asm volatile("syscall"
               : "=a"(result)
               : "a"(number), "D"(arg1), "S"(arg2), "d"(arg3)
               : "rcx", "r11", "memory");
  return result;
}

[[noreturn]] void Exit(int code) {
  for (;;) Syscall(kSysExitGroup, code, 0, 0);
}

long Length(const char* text) {
  long length = 0;
  while (text[length] != '\0') ++length;
  return length;
}

void Write(int fd, const char* text) {
  Syscall(kSysWrite, fd, reinterpret_cast<long>(text), Length(text));
}

}  // namespace

// The stack at process entry contains argc, then argv and envp, each ended by
// a null pointer.
extern "C" [[noreturn]] void LauncherMain(long* stack) {
  long argc = stack[0];
  char** argv = reinterpret_cast<char**>(stack + 1);
  char** envp = argv + argc + 1;
  if (argc < 3) {
    Write(2, "usage: webjobs-launcher PROGRAM ARGV0 [ARG...] (run by webjobs)\n");
    Exit(2);
  }
  char byte = 0;
  long got;
  do {
    got = Syscall(kSysRead, 3, reinterpret_cast<long>(&byte), 1);
  } while (got == -kEintr);
  if (got != 1 || byte != 'g') Exit(0);

  // The socket closes when the exec succeeds, and stays open to carry the
  // error when it fails. The job must not inherit the launcher's image.
  Syscall(kSysFcntl, 3, kFSetFd, kFdCloexec);
  Syscall(kSysFcntl, 4, kFSetFd, kFdCloexec);
  long result = Syscall(kSysExecve, reinterpret_cast<long>(argv[1]),
                        reinterpret_cast<long>(argv + 2), reinterpret_cast<long>(envp));
  int error = static_cast<int>(-result);
  Syscall(kSysWrite, 3, reinterpret_cast<long>(&error), sizeof error);
  // The host describes the error in the run's log; this line is for a
  // reader of the raw output.
  char code[8] = {};
  int position = 6;
  for (int value = error; position >= 0 && (value > 0 || position == 6); value /= 10) {
    code[position--] = static_cast<char>('0' + value % 10);
  }
  Write(2, "webjobs: cannot execute ");
  Write(2, argv[1]);
  Write(2, " (errno ");
  Write(2, code + position + 1);
  Write(2, ")\n");
  Exit(127);
}

// The entry point: passes the stack pointer, then aligns the stack as the
// ABI requires for a call.
asm(".text\n"
    ".globl _start\n"
    "_start:\n"
    "  xor %ebp, %ebp\n"
    "  mov %rsp, %rdi\n"
    "  and $-16, %rsp\n"
    "  call LauncherMain\n"
    "  hlt\n");

#else

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: webjobs-launcher PROGRAM ARGV0 [ARG...] (run by webjobs)\n");
    return 2;
  }
  char byte = 0;
  ssize_t got = 0;
  do {
    got = read(3, &byte, 1);
  } while (got < 0 && errno == EINTR);
  if (got != 1 || byte != 'g') return 0;

  // The socket closes when the exec succeeds, and stays open to carry the
  // error when it fails. The job must not inherit the launcher's image.
  (void)fcntl(3, F_SETFD, FD_CLOEXEC);
  (void)fcntl(4, F_SETFD, FD_CLOEXEC);
  execv(argv[1], argv + 2);
  int error = errno;
  (void)write(3, &error, sizeof error);
  std::fprintf(stderr, "webjobs: cannot execute %s: %s\n", argv[1], std::strerror(error));
  return 127;
}

#endif
