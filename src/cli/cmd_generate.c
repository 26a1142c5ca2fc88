/* csmap generate. */
#include "csmap/cli.h"

int cmd_generate(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_not_yet("generate");
}
