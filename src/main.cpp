// boss: brings up dependent Docker containers described in services.lua.
#include "cli/cli.h"

int main(int argc, char** argv) { return boss::run_cli(argc, argv); }
