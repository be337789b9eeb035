/*
 * ktbench: the portable half of the keytwin benchmark firmware.
 *
 * Timing loop, order statistics and the KTBENCH/1 line formatter. It knows nothing about the
 * chip: the caller passes a cycle counter, a GPIO marker hook and an output stream, so the same
 * code runs in the ESP-IDF app (CCOUNT, GPIO) and in the host build the contract test compiles
 * with gcc (clock_gettime, no GPIO). The line format is specified in ../README.md; keytwin's
 * parser is firmware/calibrate/bench-log.ts. Change one, change the other and KT_FORMAT_VERSION.
 */
#ifndef KTBENCH_H
#define KTBENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KT_FORMAT_VERSION 1
/* Every line of the format starts with this tag, so it can be picked out of a serial log
 * interleaved with ESP-IDF's own "I (123) tag: ..." lines. */
#define KT_TAG "KTBENCH/1"

/* Marker ids are 7 bits: GPIO D1..D7 carry the id, D0 is high while the op or state runs. */
#define KT_MAX_MARKER 127

typedef uint64_t (*kt_counter_fn)(void);
/* One run of the measured operation; returns 0 on success (a failure aborts the row). */
typedef int (*kt_op_fn)(void *ctx);
/* Drives the marker lines: on=1 before the op with its id, on=0 after it. May be NULL. */
typedef void (*kt_marker_fn)(unsigned id, int on);

typedef struct {
  FILE *out;
  kt_counter_fn counter;
  kt_marker_fn marker;
  unsigned warmup;      /* runs discarded before measuring (caches, lazy tables, branch predictors) */
  unsigned runs;        /* measured runs per operation */
  size_t stack_probe;   /* bytes of stack painted to find each op's peak; 0 disables */
  int print_samples;    /* also print every sample (for the calibration report's histograms) */
  unsigned next_marker; /* next marker id to hand out; start at 1 (0 = no marker) */
  unsigned rows;        /* op rows printed so far (carried across deep sleep by the caller) */
} kt_ctx;

typedef struct {
  unsigned n;
  uint64_t min, median, p95, max;
  double mean, sd;
} kt_stats;

typedef struct {
  const char *key;
  const char *value;
} kt_field;

/* Sorts `v` in place and fills `s`. median is the mean of the two middle samples for even n
 * (rounded down), p95 the nearest-rank sample ceil(0.95 n); sd is the sample (n-1) deviation. */
void kt_stats_compute(uint64_t *v, unsigned n, kt_stats *s);

/* Prints the header line. `fields` must include chip, revision, clock_mhz, counter, compiler,
 * flags, libs (the parser rejects a header without them); values with spaces are quoted. */
void kt_print_header(kt_ctx *c, const kt_field *fields, size_t nfields);

/* Allocates a marker id for `name` (and its payload size) and prints its `marker` line, which is
 * what lets keytwin name the segments of a power trace. kind is "op" or "state". */
unsigned kt_marker(kt_ctx *c, const char *kind, const char *name, size_t bytes);

/* Measures `op` (warm-ups, then c->runs runs between counter reads, marker high around each run)
 * and prints its `op` row (and `samples` row when asked). bytes = payload size, 0 if none.
 * Returns 0, or the op's non-zero result (then an `error` line is printed instead of the row). */
int kt_measure(kt_ctx *c, const char *name, size_t bytes, kt_op_fn op, void *ctx);

/* Prints a row for samples measured elsewhere (e.g. wake-to-app, one sample per boot). */
void kt_print_row(kt_ctx *c, const char *name, size_t bytes, const kt_stats *s, long stack);
void kt_print_samples(kt_ctx *c, const char *name, size_t bytes, const uint64_t *v, unsigned n);

/* A power state held for `ms` milliseconds with its marker high, for the power analyser. */
void kt_print_state(kt_ctx *c, unsigned id, const char *name, unsigned ms);

/* The closing line: how many op rows the log holds (c->rows), so a truncated log is detected. */
void kt_print_end(kt_ctx *c);

#endif
