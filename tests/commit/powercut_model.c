/* The power-cut model: recorded calls replayed with durable and cached state apart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powercut.h"

/* ------------------------------------------------------------ log parsing */

static bool hex_bytes(TALLOC_CTX *mem, const char *hex, uint8_t **out, size_t *len)
{
	size_t n = strlen(hex);
	if (n % 2 != 0)
		return false;
	*out = talloc_size(mem, n / 2 + 1);
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		(*out)[i] = (uint8_t)v;
	}
	*len = n / 2;
	return true;
}

bool pc_log_parse(TALLOC_CTX *mem, const char *text, struct pc_op **ops, size_t *n, char **why)
{
	*ops = NULL;
	*n = 0;
	char *copy = talloc_strdup(mem, text), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[5] = {0}, *s2 = NULL, *dup = talloc_strdup(mem, line);
		int nf = 0;
		for (char *w = strtok_r(dup, " ", &s2); w && nf < 5; w = strtok_r(NULL, " ", &s2))
			f[nf++] = w;
		struct pc_op op = {.line = talloc_strdup(mem, line), .path = f[1]};
		bool ok = nf >= 2;
		const char *k = f[0];
		if (ok && (strcmp(k, "create") == 0 || strcmp(k, "mkdir") == 0) && nf == 5) {
			op.kind = k[0] == 'c' ? PC_CREATE : PC_MKDIR;
			op.mode = (mode_t)strtoul(f[2], NULL, 8);
			op.uid = (uid_t)strtoul(f[3], NULL, 10);
			op.gid = (gid_t)strtoul(f[4], NULL, 10);
		} else if (ok && strcmp(k, "write") == 0 && nf == 4) {
			op.kind = PC_WRITE;
			op.off = strtoull(f[2], NULL, 10);
			ok = hex_bytes(mem, f[3], &op.data, &op.len);
		} else if (ok && strcmp(k, "truncate") == 0 && nf == 3) {
			op.kind = PC_TRUNCATE;
			op.size = strtoull(f[2], NULL, 10);
		} else if (ok && strcmp(k, "chmod") == 0 && nf == 3) {
			op.kind = PC_CHMOD;
			op.mode = (mode_t)strtoul(f[2], NULL, 8);
		} else if (ok && strcmp(k, "chown") == 0 && nf == 4) {
			op.kind = PC_CHOWN;
			op.uid = (uid_t)strtoul(f[2], NULL, 10);
			op.gid = (gid_t)strtoul(f[3], NULL, 10);
		} else if (ok && strcmp(k, "fsync") == 0 && nf == 2) {
			op.kind = PC_FSYNC;
		} else if (ok && strcmp(k, "rename") == 0 && nf == 3) {
			op.kind = PC_RENAME;
			op.to = f[2];
		} else if (ok && strcmp(k, "unlink") == 0 && nf == 2) {
			op.kind = PC_UNLINK;
		} else if (ok && strcmp(k, "rmdir") == 0 && nf == 2) {
			op.kind = PC_RMDIR;
		} else {
			ok = false;
		}
		if (!ok) {
			*why = talloc_asprintf(mem, "cannot model the recorded call '%.200s'", line);
			return false;
		}
		*ops = talloc_realloc(mem, *ops, struct pc_op, *n + 1);
		(*ops)[(*n)++] = op;
	}
	return true;
}

/* ------------------------------------------------------------ the model */

struct state {
	uint8_t *data;
	size_t len;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

struct inode {
	bool dir;
	struct state dur, cur;
};

struct ent {
	size_t dir, ino;
	char *name;
};

struct ents {
	struct ent *e;
	size_t n;
};

enum pend_kind { P_LINK, P_UNLINK, P_RENAME };

struct pend {
	enum pend_kind kind;
	size_t dir, ino;
	char *name, *to;
};

struct pc_model {
	struct inode *ino;
	size_t n_ino;
	struct ents dur, cur;
	struct pend *pend;
	size_t n_pend;
	size_t *unsynced; /* inodes whose cached state differs, refreshed by pc_model_unsynced */
	size_t n_unsynced;
};

static bool state_equal(const struct state *a, const struct state *b)
{
	return a->len == b->len && a->mode == b->mode && a->uid == b->uid && a->gid == b->gid &&
	       (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static struct state state_copy(TALLOC_CTX *mem, const struct state *s)
{
	struct state c = *s;
	c.data = talloc_memdup(mem, s->data ? s->data : (const uint8_t *)"", s->len + 1);
	return c;
}

static size_t new_inode(struct pc_model *m, bool dir, const struct state *s)
{
	m->ino = talloc_realloc(m, m->ino, struct inode, m->n_ino + 1);
	struct inode *i = &m->ino[m->n_ino];
	i->dir = dir;
	i->dur = state_copy(m, s);
	i->cur = state_copy(m, s);
	return m->n_ino++;
}

static struct ent *find(struct ents *es, size_t dir, const char *name)
{
	for (size_t i = 0; i < es->n; i++)
		if (es->e[i].dir == dir && strcmp(es->e[i].name, name) == 0)
			return &es->e[i];
	return NULL;
}

static void ent_remove(struct ents *es, size_t dir, const char *name)
{
	struct ent *e = find(es, dir, name);
	if (e != NULL)
		*e = es->e[--es->n];
}

static void ent_set(TALLOC_CTX *mem, struct ents *es, size_t dir, const char *name, size_t ino)
{
	struct ent *e = find(es, dir, name);
	if (e != NULL) {
		e->ino = ino;
		return;
	}
	es->e = talloc_realloc(mem, es->e, struct ent, es->n + 1);
	es->e[es->n++] = (struct ent){dir, ino, talloc_strdup(mem, name)};
}

static void pend_apply(TALLOC_CTX *mem, struct ents *es, const struct pend *p)
{
	switch (p->kind) {
	case P_LINK:
		ent_set(mem, es, p->dir, p->name, p->ino);
		break;
	case P_UNLINK:
		ent_remove(es, p->dir, p->name);
		break;
	case P_RENAME: {
		/* Persisted on its own, a rename names the inode whether or not its creation did. */
		struct ent *from = find(es, p->dir, p->name);
		if (from != NULL && from->ino == p->ino)
			ent_remove(es, p->dir, p->name);
		ent_set(mem, es, p->dir, p->to, p->ino);
		break;
	}
	}
}

static void ents_copy(TALLOC_CTX *mem, struct ents *dst, const struct ents *src)
{
	dst->n = src->n;
	dst->e = talloc_array(mem, struct ent, src->n + 1);
	memcpy(dst->e, src->e, sizeof(struct ent) * src->n);
}

/* Walks path ("/a/b") through es from the root (inode 0). */
static bool lookup(struct ents *es, const char *path, size_t *ino)
{
	*ino = 0;
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path);
	char *save = NULL;
	for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		struct ent *e = find(es, *ino, c);
		if (e == NULL)
			return false;
		*ino = e->ino;
	}
	return true;
}

/* The directory inode and the leaf of path. */
static bool parent_of(struct pc_model *m, const char *path, size_t *dir, const char **leaf)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL || slash[1] == '\0')
		return false;
	char parent[4096];
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path), path);
	*leaf = slash + 1;
	return lookup(&m->cur, parent[0] ? parent : "/", dir) && m->ino[*dir].dir;
}

struct pc_model *pc_model_new(TALLOC_CTX *mem, const struct pc_tree *t)
{
	struct pc_model *m = talloc_zero(mem, struct pc_model);
	for (size_t i = 0; i < t->count; i++) {
		const struct pc_node *nd = &t->n[i];
		struct state s = {nd->data, nd->len, nd->mode, nd->uid, nd->gid};
		if (strcmp(nd->path, "/") == 0) {
			if (new_inode(m, true, &s) != 0)
				return NULL;
			continue;
		}
		size_t dir;
		const char *leaf;
		if (m->n_ino == 0 || !parent_of(m, nd->path, &dir, &leaf))
			return NULL;
		size_t ino = new_inode(m, nd->dir, &s);
		ent_set(m, &m->cur, dir, leaf, ino);
		ent_set(m, &m->dur, dir, leaf, ino);
	}
	return m;
}

static void add_pend(struct pc_model *m, enum pend_kind kind, size_t dir, size_t ino,
		     const char *name, const char *to)
{
	m->pend = talloc_realloc(m, m->pend, struct pend, m->n_pend + 1);
	m->pend[m->n_pend++] = (struct pend){kind, dir, ino, talloc_strdup(m, name),
					     to ? talloc_strdup(m, to) : NULL};
}

bool pc_model_apply(struct pc_model *m, const struct pc_op *op, char **why)
{
	size_t ino = 0, dir = 0;
	const char *leaf = NULL;
#define MISFIT(what)                                                                              \
	do {                                                                                      \
		*why = talloc_asprintf(m, "%s: %s", op->line, what);                              \
		return false;                                                                     \
	} while (0)
	switch (op->kind) {
	case PC_CREATE:
	case PC_MKDIR: {
		if (!parent_of(m, op->path, &dir, &leaf) || find(&m->cur, dir, leaf))
			MISFIT("no parent directory, or the name exists");
		struct state s = {NULL, 0, op->mode, op->uid, op->gid};
		ino = new_inode(m, op->kind == PC_MKDIR, &s);
		ent_set(m, &m->cur, dir, leaf, ino);
		add_pend(m, P_LINK, dir, ino, leaf, NULL);
		return true;
	}
	case PC_WRITE:
	case PC_TRUNCATE: {
		if (!lookup(&m->cur, op->path, &ino) || m->ino[ino].dir)
			MISFIT("not a file of the tree");
		struct state *c = &m->ino[ino].cur;
		size_t end = op->kind == PC_WRITE ? op->off + op->len : op->size;
		size_t len = op->kind == PC_WRITE && c->len > end ? c->len : end;
		uint8_t *d = talloc_zero_size(m, len + 1);
		memcpy(d, c->data, c->len < len ? c->len : len);
		if (op->kind == PC_WRITE)
			memcpy(d + op->off, op->data, op->len);
		c->data = d;
		c->len = len;
		return true;
	}
	case PC_CHMOD:
	case PC_CHOWN:
		if (!lookup(&m->cur, op->path, &ino))
			MISFIT("not in the tree");
		if (op->kind == PC_CHMOD)
			m->ino[ino].cur.mode = op->mode;
		else
			m->ino[ino].cur.uid = op->uid, m->ino[ino].cur.gid = op->gid;
		return true;
	case PC_FSYNC: {
		if (!lookup(&m->cur, op->path, &ino))
			MISFIT("not in the tree");
		struct inode *i = &m->ino[ino];
		i->dur = state_copy(m, &i->cur);
		if (!i->dir)
			return true;
		/* Its pending entry changes become durable, in order. */
		size_t kept = 0;
		for (size_t p = 0; p < m->n_pend; p++) {
			if (m->pend[p].dir == ino)
				pend_apply(m, &m->dur, &m->pend[p]);
			else
				m->pend[kept++] = m->pend[p];
		}
		m->n_pend = kept;
		return true;
	}
	case PC_RENAME: {
		size_t dir2;
		const char *leaf2;
		struct ent *e;
		if (!parent_of(m, op->path, &dir, &leaf) || !parent_of(m, op->to, &dir2, &leaf2) ||
		    (e = find(&m->cur, dir, leaf)) == NULL)
			MISFIT("not in the tree");
		if (dir != dir2)
			MISFIT("a rename across directories is not modelled");
		ino = e->ino;
		ent_remove(&m->cur, dir, leaf);
		ent_set(m, &m->cur, dir, leaf2, ino);
		add_pend(m, P_RENAME, dir, ino, leaf, leaf2);
		return true;
	}
	case PC_UNLINK:
	case PC_RMDIR:
		if (!parent_of(m, op->path, &dir, &leaf) || find(&m->cur, dir, leaf) == NULL)
			MISFIT("not in the tree");
		ent_remove(&m->cur, dir, leaf);
		add_pend(m, P_UNLINK, dir, 0, leaf, NULL);
		return true;
	}
	MISFIT("unknown call");
#undef MISFIT
}

/* ------------------------------------------------------------ crash states */

size_t pc_model_pending(const struct pc_model *m)
{
	return m->n_pend;
}

size_t pc_model_pending_dir(const struct pc_model *m, size_t p)
{
	return m->pend[p].dir;
}

size_t pc_model_unsynced(const struct pc_model *m)
{
	struct pc_model *w = (struct pc_model *)m;
	w->n_unsynced = 0;
	talloc_free(w->unsynced);
	w->unsynced = talloc_array(w, size_t, m->n_ino + 1);
	for (size_t i = 0; i < m->n_ino; i++)
		if (!state_equal(&m->ino[i].dur, &m->ino[i].cur))
			w->unsynced[w->n_unsynced++] = i;
	return w->n_unsynced;
}

/* Length of the common prefix of the durable and the cached data. */
static size_t common_prefix(const struct state *a, const struct state *b)
{
	size_t n = 0;
	while (n < a->len && n < b->len && a->data[n] == b->data[n])
		n++;
	return n;
}

/*
 * Variants of an unsynced inode: 0 durable, 1 cached, 2 torn (the cached
 * size, the first half of the changed bytes landed, zeros after), 3 the
 * cached size with none of the changed bytes (zeros).  Directories have
 * only 0 and 1 (their mode and owner).
 */
size_t pc_model_variants(const struct pc_model *m, size_t i)
{
	const struct inode *in = &m->ino[m->unsynced[i]];
	if (in->dir || in->cur.len == 0 || common_prefix(&in->dur, &in->cur) == in->cur.len)
		return 2;
	return 4;
}

static struct state variant_state(TALLOC_CTX *mem, const struct inode *in, size_t v)
{
	if (v == 0)
		return in->dur;
	if (v == 1)
		return in->cur;
	struct state s = in->cur;
	size_t keep = common_prefix(&in->dur, &in->cur);
	if (v == 2)
		keep += (in->cur.len - keep + 1) / 2;
	s.data = talloc_zero_size(mem, s.len + 1);
	memcpy(s.data, in->cur.data, keep);
	return s;
}

struct walk {
	TALLOC_CTX *mem;
	struct pc_model *m;
	struct ents *es;
	const struct state *states; /* per inode */
	struct pc_tree *out;
	size_t depth;
};

static bool walk_dir(struct walk *w, size_t dir, const char *path)
{
	if (++w->depth > 64)
		return false; /* a cycle: a directory renamed into itself */
	for (size_t i = 0; i < w->es->n; i++) {
		const struct ent *e = &w->es->e[i];
		if (e->dir != dir)
			continue;
		const struct state *s = &w->states[e->ino];
		struct pc_node nd = {
			.path = talloc_asprintf(w->mem, "%s/%s", strcmp(path, "/") ? path : "", e->name),
			.dir = w->m->ino[e->ino].dir, .mode = s->mode, .uid = s->uid, .gid = s->gid};
		if (!nd.dir) {
			nd.data = s->data;
			nd.len = s->len;
		}
		w->out->n = talloc_realloc(w->mem, w->out->n, struct pc_node, w->out->count + 1);
		w->out->n[w->out->count++] = nd;
		if (nd.dir && !walk_dir(w, e->ino, nd.path))
			return false;
	}
	w->depth--;
	return true;
}

static bool build(TALLOC_CTX *mem, struct pc_model *m, struct ents *es, const struct state *states,
		  struct pc_tree *out)
{
	*out = (struct pc_tree){0};
	const struct state *r = &states[0];
	out->n = talloc_array(mem, struct pc_node, 1);
	out->n[0] = (struct pc_node){.path = talloc_strdup(mem, "/"), .dir = true, .mode = r->mode,
				     .uid = r->uid, .gid = r->gid};
	out->count = 1;
	struct walk w = {mem, m, es, states, out, 0};
	if (!walk_dir(&w, 0, "/"))
		return false;
	pc_tree_sort(out);
	return true;
}

bool pc_model_current(TALLOC_CTX *mem, struct pc_model *m, struct pc_tree *out)
{
	struct state *states = talloc_array(mem, struct state, m->n_ino + 1);
	for (size_t i = 0; i < m->n_ino; i++)
		states[i] = m->ino[i].cur;
	return build(mem, m, &m->cur, states, out);
}

bool pc_model_crash(TALLOC_CTX *mem, struct pc_model *m, const bool *keep, const size_t *variant,
		    struct pc_tree *out)
{
	struct ents es;
	ents_copy(mem, &es, &m->dur);
	for (size_t p = 0; p < m->n_pend; p++)
		if (keep[p])
			pend_apply(mem, &es, &m->pend[p]);
	struct state *states = talloc_array(mem, struct state, m->n_ino + 1);
	for (size_t i = 0; i < m->n_ino; i++)
		states[i] = m->ino[i].dur;
	for (size_t u = 0; u < m->n_unsynced; u++)
		states[m->unsynced[u]] = variant_state(mem, &m->ino[m->unsynced[u]], variant[u]);
	return build(mem, m, &es, states, out);
}
