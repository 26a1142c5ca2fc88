/* csmap prompts. */
#include "csmap/cli.h"

int cmd_prompts(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return cli_not_yet("prompts");
}
