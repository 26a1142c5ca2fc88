/* csmap ingest. */
#include "csmap/cli.h"

int cmd_ingest(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_not_yet("ingest");
}
