/* Records the process and the modules loaded into it (paths, load
 * addresses, build ids), so that addresses can be symbolised offline. */
#ifndef SNAG_SHIM_MODULES_H
#define SNAG_SHIM_MODULES_H

void snag_record_process_info(int argc, char **argv);
/* Records every loaded module not recorded yet; after dlopen, at exit. */
void snag_record_new_modules(void);
void snag_modules_after_fork_child(void);

#endif
