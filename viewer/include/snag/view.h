/* `snag view`: the interactive viewer of a trace (viewer/). */
#ifndef SNAG_VIEW_H
#define SNAG_VIEW_H

/* argv[0] is "view". Returns the exit status. */
int snag_view_main(int argc, char **argv);

#endif
