/* ktbench: timing loop, statistics and formatter (see ktbench.h). Plain C99, no allocation on the
 * measuring path: samples live in one static buffer so malloc never runs between counter reads. */
#include "ktbench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KT_MAX_RUNS 1000
static uint64_t samples[KT_MAX_RUNS];

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

void kt_stats_compute(uint64_t *v, unsigned n, kt_stats *s) {
  memset(s, 0, sizeof *s);
  s->n = n;
  if (n == 0) return;
  qsort(v, n, sizeof v[0], cmp_u64);
  s->min = v[0];
  s->max = v[n - 1];
  s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  unsigned rank = (unsigned)ceil(0.95 * n); /* nearest rank, 1-based */
  s->p95 = v[(rank ? rank : 1) - 1];
  double sum = 0;
  for (unsigned i = 0; i < n; i++) sum += (double)v[i];
  s->mean = sum / n;
  double ss = 0;
  for (unsigned i = 0; i < n; i++) ss += ((double)v[i] - s->mean) * ((double)v[i] - s->mean);
  s->sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
}

/* Values containing spaces or '=' are quoted; a '"' inside becomes '\'' (the format has no escapes). */
static void put_value(FILE *out, const char *v) {
  if (v[0] != '\0' && !strpbrk(v, " \t=\"")) {
    fputs(v, out);
    return;
  }
  fputc('"', out);
  for (const char *p = v; *p; p++) fputc(*p == '"' ? '\'' : (*p == '\n' || *p == '\t') ? ' ' : *p, out);
  fputc('"', out);
}

void kt_print_header(kt_ctx *c, const kt_field *fields, size_t nfields) {
  fprintf(c->out, "%s header format=%d", KT_TAG, KT_FORMAT_VERSION);
  for (size_t i = 0; i < nfields; i++) {
    fprintf(c->out, " %s=", fields[i].key);
    put_value(c->out, fields[i].value);
  }
  fprintf(c->out, " warmup=%u runs=%u\n", c->warmup, c->runs);
  c->rows = 0;
}

unsigned kt_marker(kt_ctx *c, const char *kind, const char *name, size_t bytes) {
  unsigned id = c->next_marker <= KT_MAX_MARKER ? c->next_marker++ : 0;
  fprintf(c->out, "%s marker id=%u kind=%s name=%s bytes=%zu\n", KT_TAG, id, kind, name, bytes);
  return id;
}

/* Stack painting: fill `n` bytes below the caller's frame with a pattern, run the op, then find
 * the deepest byte it overwrote. noinline keeps the painted buffer below the measuring frame;
 * the empty asm with a memory clobber stops -O2 from deleting the "dead" stores. The result is
 * the op's peak depth below the measuring frame, within a few dozen bytes. */
#define KT_PAINT 0xA5
static volatile uint8_t *paint_lo;
__attribute__((noinline)) static void stack_paint(size_t n) {
  uint8_t buf[n];
  memset(buf, KT_PAINT, n);
  __asm__ volatile("" : : "r"(buf) : "memory");
  paint_lo = buf;
}
__attribute__((noinline)) static long stack_used(size_t n) {
  for (size_t i = 0; i < n; i++)
    if (paint_lo[i] != KT_PAINT) return (long)(n - i);
  return 0;
}

int kt_measure(kt_ctx *c, const char *name, size_t bytes, kt_op_fn op, void *ctx) {
  unsigned runs = c->runs > KT_MAX_RUNS ? KT_MAX_RUNS : c->runs;
  unsigned id = kt_marker(c, "op", name, bytes);
  for (unsigned i = 0; i < c->warmup; i++) {
    int rc = op(ctx);
    if (rc) {
      fprintf(c->out, "%s error name=%s rc=%d phase=warmup\n", KT_TAG, name, rc);
      return rc;
    }
  }
  long stack = -1;
  if (c->stack_probe) {
    stack_paint(c->stack_probe);
    if (op(ctx) == 0) stack = stack_used(c->stack_probe);
  }
  for (unsigned i = 0; i < runs; i++) {
    if (c->marker) c->marker(id, 1);
    uint64_t t0 = c->counter();
    int rc = op(ctx);
    uint64_t t1 = c->counter();
    if (c->marker) c->marker(id, 0);
    if (rc) {
      fprintf(c->out, "%s error name=%s rc=%d phase=run\n", KT_TAG, name, rc);
      return rc;
    }
    samples[i] = t1 - t0;
  }
  if (c->print_samples) kt_print_samples(c, name, bytes, samples, runs);
  kt_stats s;
  kt_stats_compute(samples, runs, &s);
  kt_print_row(c, name, bytes, &s, stack);
  return 0;
}

void kt_print_row(kt_ctx *c, const char *name, size_t bytes, const kt_stats *s, long stack) {
  fprintf(c->out,
          "%s op name=%s bytes=%zu n=%u min=%llu median=%llu p95=%llu max=%llu mean=%.1f sd=%.1f stack=%ld\n",
          KT_TAG, name, bytes, s->n, (unsigned long long)s->min, (unsigned long long)s->median,
          (unsigned long long)s->p95, (unsigned long long)s->max, s->mean, s->sd, stack);
  c->rows++;
}

void kt_print_samples(kt_ctx *c, const char *name, size_t bytes, const uint64_t *v, unsigned n) {
  fprintf(c->out, "%s samples name=%s bytes=%zu v=", KT_TAG, name, bytes);
  for (unsigned i = 0; i < n; i++) fprintf(c->out, i ? ",%llu" : "%llu", (unsigned long long)v[i]);
  fputc('\n', c->out);
}

void kt_print_state(kt_ctx *c, unsigned id, const char *name, unsigned ms) {
  fprintf(c->out, "%s state id=%u name=%s ms=%u\n", KT_TAG, id, name, ms);
}

void kt_print_end(kt_ctx *c) {
  fprintf(c->out, "%s end rows=%u\n", KT_TAG, c->rows);
}
