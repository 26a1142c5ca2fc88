/* csmap alerts. */
#include "csmap/cli.h"

int cmd_alerts(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_not_yet("alerts");
}
