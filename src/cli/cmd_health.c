/* csmap health. */
#include "csmap/cli.h"

int cmd_health(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_not_yet("health");
}
