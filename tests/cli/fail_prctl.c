/*
 * LD_PRELOAD shim for the command-line tests: prctl(2) fails with EPERM, as
 * under a seccomp filter that forbids it.  A tool that holds secrets must
 * then refuse to run instead of going on with a dumpable process.
 */
#include <errno.h>
#include <sys/prctl.h>

int prctl(int option, ...)
{
	(void)option;
	errno = EPERM;
	return -1;
}
