// Keeps the plugin's descriptors out of the select() range. select() (libmicrohttpd in
// write_prometheus, other plugins) cannot watch a descriptor >= FD_SETSIZE (1024), and a new
// descriptor takes the lowest free number: a thousand boiler links below 1024 would push every
// later scrape connection past it, where libmicrohttpd refuses it. The links are polled with
// poll(), which has no such limit, so they live above FD_SETSIZE whenever RLIMIT_NOFILE allows
// (see fd_limit.h).
#pragma once

namespace intergas {

// Whether move_above_select_range moves at all. Off by default: a few boilers' links below
// FD_SETSIZE cost select() users too few numbers to matter (kFewBoilers, fd_limit.h), and the
// room above it needs a raised soft limit, which every child of the process inherits.
// ensure_fd_limit turns it on for more boilers. Not thread-safe: set it before the links open.
void place_above_select_range(bool on);

// When placement is on: moves `fd` to the lowest free number >= FD_SETSIZE (close-on-exec) and
// closes the original; returns the new number. Returns `fd` unchanged when placement is off, it is
// already there, negative (a failed open passed straight through), or cannot be moved (EMFILE or
// EINVAL: the soft RLIMIT_NOFILE is too low); the descriptor then works as before, it merely
// occupies a select()able number. errno is preserved, so
// `fd_.reset(move_above_select_range(::open(...)))` still reports open()'s error. Call it before
// the descriptor is registered anywhere (connect(), a poll set, a thread).
int move_above_select_range(int fd);

}  // namespace intergas
