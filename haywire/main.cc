// Copyright 2026 The Haywire Authors.
//
// The `haywire` binary: one executable, one subcommand per role. Host
// commands read a VM's RAM file; guest-serve runs inside the VM.

#include <vector>

#include "haywire/cli/bench_command.h"
#include "haywire/cli/command.h"
#include "haywire/cli/discover_command.h"
#include "haywire/cli/grep_command.h"
#include "haywire/cli/guest_serve_command.h"
#include "haywire/cli/info_command.h"
#include "haywire/cli/keygen_command.h"
#include "haywire/cli/maps_command.h"
#include "haywire/cli/physmap_command.h"
#include "haywire/cli/ps_command.h"
#include "haywire/cli/read_command.h"
#include "haywire/cli/vms_command.h"
#include "haywire/cli/watch_command.h"
#include "haywire/cli/write_command.h"

#ifdef HAYWIRE_WITH_EXPORTER
#include "haywire/cli/exporter_command.h"
#endif

int main(int argc, char** argv) {
  std::vector<haywire::Command> commands = {
      haywire::DiscoverCommand(),   haywire::PsCommand(),
      haywire::InfoCommand(),       haywire::WatchCommand(),
      haywire::GuestServeCommand(), haywire::BenchCommand(),
      haywire::KeygenCommand(),     haywire::MapsCommand(),
      haywire::ReadCommand(),       haywire::GrepCommand(),
      haywire::WriteCommand(),      haywire::PhysmapCommand(),
      haywire::VmsCommand(),
  };
#ifdef HAYWIRE_WITH_EXPORTER
  commands.push_back(haywire::ExporterCommand());
#endif
  return haywire::RunMain(argc, argv, commands);
}
