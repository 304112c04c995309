/* The candidates' seccomp filter, installed host-side by the plugin (filter.c). */
#pragma once

/* Install it in the calling thread (and what it starts); 0, or -errno. */
int pc_install_filter(void);
