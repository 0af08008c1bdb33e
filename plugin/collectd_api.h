// The only include of collectd's headers: they lack extern "C" guards and need HAVE_CONFIG_H
// (collectd-notes.md).
#pragma once

#ifndef HAVE_CONFIG_H
#define HAVE_CONFIG_H 1
#endif

extern "C" {
#include <collectd/core/daemon/collectd.h>
#include <collectd/core/daemon/globals.h>
#include <collectd/core/daemon/plugin.h>
#include <collectd/core/daemon/utils_complain.h>
#include <collectd/core/utils/common/common.h>
}
