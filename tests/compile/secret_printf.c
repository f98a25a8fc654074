/* Must not compile: a secret is not a string to any printf-style function. */
#include <stdio.h>

#include <odj/error.h>
#include <odj/secret.h>

void leak(struct odj_ctx *ctx, struct odj_secret *password);

void leak(struct odj_ctx *ctx, struct odj_secret *password)
{
	odj_trace(ctx, "password is %s", password);
}
