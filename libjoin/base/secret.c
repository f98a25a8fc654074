/* odj_secret: wiped-on-free storage for passwords and keys. */
#include <string.h>

#include <odj/secret.h>

struct odj_secret {
	size_t len;
	uint8_t *data; /* talloc child of the secret, wiped by its own destructor */
};

void odj_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		explicit_bzero(p, len);
}

static int wipe_destructor(void *ptr)
{
	odj_wipe(ptr, talloc_get_size(ptr));
	return 0;
}

void odj_wipe_on_free(void *talloc_ptr)
{
	if (talloc_ptr != NULL)
		_talloc_set_destructor(talloc_ptr, wipe_destructor);
}

struct odj_secret *odj_secret_new(TALLOC_CTX *mem, size_t len)
{
	struct odj_secret *s = talloc_zero(mem, struct odj_secret);
	if (s == NULL)
		return NULL;
	/* One spare zero byte so a text secret is always NUL-terminated. */
	s->data = talloc_zero_size(s, len + 1);
	if (s->data == NULL) {
		talloc_free(s);
		return NULL;
	}
	odj_wipe_on_free(s->data);
	s->len = len;
	return s;
}

struct odj_secret *odj_secret_dup(TALLOC_CTX *mem, const void *p, size_t len)
{
	struct odj_secret *s = odj_secret_new(mem, len);
	if (s != NULL && len > 0)
		memcpy(s->data, p, len);
	return s;
}

uint8_t *odj_secret_data(const struct odj_secret *s)
{
	return s ? s->data : NULL;
}

size_t odj_secret_len(const struct odj_secret *s)
{
	return s ? s->len : 0;
}

bool odj_secret_equal(const struct odj_secret *a, const struct odj_secret *b)
{
	if (a == NULL || b == NULL || a->len != b->len)
		return false;
	volatile uint8_t diff = 0;
	for (size_t i = 0; i < a->len; i++)
		diff |= a->data[i] ^ b->data[i];
	return diff == 0;
}
