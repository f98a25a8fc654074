/* A long run's progress line on a terminal, and stopping it cleanly on SIGINT/SIGTERM. */
#ifndef ODJ_CLI_PROGRESS_H
#define ODJ_CLI_PROGRESS_H

#include <signal.h>
#include <stdbool.h>

#include <odj/bulk.h>

struct cli_progress {
	const char *tool;
	bool tty;     /* stderr is a terminal: one progress line, updated in place */
	bool printed; /* a progress line is on the screen */
};

void cli_progress_init(struct cli_progress *p, const char *tool);

/* odj_bulk_req callbacks; priv is the struct cli_progress. */
void cli_bulk_progress(void *priv, const struct odj_bulk_progress *p);
void cli_bulk_item(void *priv, const struct odj_bulk_item *it);

/* Ends the progress line, if one is on the screen. */
void cli_progress_end(struct cli_progress *p);

/*
 * SIGINT/SIGTERM: the first sets the returned flag (the engine finishes the
 * machines in flight and the outputs), a second ends the process at once.
 */
volatile sig_atomic_t *cli_catch_stop_signals(const char *tool);

#endif
