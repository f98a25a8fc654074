/*
 * rotate_probe ROOT PHASE: runs odj_rotate on ROOT and SIGKILLs itself when
 * the engine reaches PHASE ("staged": the new password is staged, the DC not
 * told yet; "changed": the DC took the new password, nothing committed after).
 * The kill points of the fault runs, at the engine's real phases.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <odj/rotate.h>

static enum odj_rotate_phase kill_at;

static void on_phase(void *priv, enum odj_rotate_phase p, const char *line)
{
	(void)priv;
	fprintf(stderr, "rotate_probe: %s\n", line);
	if (p == kill_at) {
		fprintf(stderr, "rotate_probe: SIGKILL now\n");
		kill(getpid(), SIGKILL);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[2], "staged") != 0 && strcmp(argv[2], "changed") != 0)) {
		fprintf(stderr, "usage: rotate_probe ROOT staged|changed\n");
		return 2;
	}
	kill_at = strcmp(argv[2], "staged") == 0 ? ODJ_ROTATE_KEYS_STAGED : ODJ_ROTATE_DC_CHANGED;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_rotate_req req = ODJ_ROTATE_REQ_INIT;
	req.in.root = argv[1];
	req.in.on_phase = on_phase;
	odj_result r = odj_rotate(ctx, mem, &req);
	fprintf(stderr, "rotate_probe: the rotation ended without reaching %s (result %d)\n",
		argv[2], (int)r);
	talloc_free(mem);
	return 3;
}
