#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"

void cli_progress_init(struct cli_progress *p, const char *tool)
{
	p->tool = tool;
	p->tty = isatty(STDERR_FILENO) == 1;
	p->printed = false;
}

static void eta_text(char *buf, size_t n, double s)
{
	if (s < 0)
		snprintf(buf, n, "?");
	else if (s < 60)
		snprintf(buf, n, "%.0fs", s);
	else
		snprintf(buf, n, "%.0fm%02.0fs", s / 60, s - 60 * (int)(s / 60));
}

void cli_bulk_progress(void *priv, const struct odj_bulk_progress *p)
{
	struct cli_progress *ui = priv;
	if (!ui->tty)
		return;
	char eta[32];
	eta_text(eta, sizeof(eta), p->eta_s);
	fprintf(stderr, "\r%s: %zu/%zu done, %zu failed, %zu skipped, %.1f/s, ETA %s\033[K",
		ui->tool, p->done, p->total, p->failed, p->skipped, p->rate, eta);
	fflush(stderr);
	ui->printed = true;
}

void cli_bulk_item(void *priv, const struct odj_bulk_item *it)
{
	struct cli_progress *ui = priv;
	if (it->ok)
		return;
	if (ui->tty && ui->printed)
		fputs("\r\033[K", stderr);
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *row = odj_status_row(tmp, it->status);
	fprintf(stderr, "%s: %s failed: %s: %s\n", ui->tool, it->machine, row, it->message);
	talloc_free(tmp);
}

void cli_progress_end(struct cli_progress *p)
{
	if (p->tty && p->printed)
		fputc('\n', stderr);
	p->printed = false;
}

static volatile sig_atomic_t stop_requested;
static char stop_message[160];
static size_t stop_message_len;

static void on_stop_signal(int sig)
{
	if (stop_requested) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	stop_requested = 1;
	ssize_t w = write(STDERR_FILENO, stop_message, stop_message_len);
	(void)w;
}

volatile sig_atomic_t *cli_catch_stop_signals(const char *tool)
{
	int n = snprintf(stop_message, sizeof(stop_message),
			 "\n%s: stopping: finishing the machines in flight and the outputs (again to "
			 "abort at once)\n",
			 tool);
	stop_message_len = n > 0 && (size_t)n < sizeof(stop_message) ? (size_t)n : 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return &stop_requested;
}
