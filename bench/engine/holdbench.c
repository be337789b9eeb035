/*
 * Sleep-wake workload (research/perf.md §1) as a plain C binary heap: the baseline keytwin's
 * engine is compared with in bench/engine.bench.ts.
 *
 * N devices alternate asleep ~Exp(mean 1) and awake ~Exp(mean 0.1). At every transition the
 * battery is integrated (battery -= I_state * dt) and the next transition is scheduled. The
 * pending-event set is a binary min-heap in structure-of-arrays form keyed by (time, seq), one
 * pop and one push per event. The RNG is sfc32 with -mean*log(1-u), the same as keytwin's
 * exponential(), seeded with the four state words keytwin's stream has after warm-up, so both
 * programs draw the same numbers in the same order and must report the same event count and
 * battery checksum.
 *
 * usage: holdbench N T a b c d reps   (prints one JSON object per repetition)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint32_t sa, sb, sc, sd;

static inline uint32_t sfc32(void) {
  uint32_t t = sa + sb + sd;
  sd = sd + 1;
  sa = sb ^ (sb >> 9);
  sb = sc + (sc << 3);
  sc = ((sc << 21) | (sc >> 11)) + t;
  return t;
}

static inline double expo(double mean) {
  double u = (double)sfc32() * (1.0 / 4294967296.0);
  return -mean * log(1.0 - u);
}

static double *htime;
static double *hseq;
static uint32_t *hid;
static size_t hsize;
static double seqno;

static inline void push(double t, uint32_t id) {
  double s = seqno++;
  size_t i = hsize++;
  while (i > 0) {
    size_t p = (i - 1) >> 1;
    double pt = htime[p];
    if (pt < t || (pt == t && hseq[p] < s)) break;
    htime[i] = pt;
    hseq[i] = hseq[p];
    hid[i] = hid[p];
    i = p;
  }
  htime[i] = t;
  hseq[i] = s;
  hid[i] = id;
}

static inline void pop(double *t, uint32_t *id) {
  *t = htime[0];
  *id = hid[0];
  size_t n = --hsize;
  if (n == 0) return;
  double lt = htime[n], ls = hseq[n];
  uint32_t lid = hid[n];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n) break;
    double ct = htime[c], cs = hseq[c];
    size_t r = c + 1;
    if (r < n && (htime[r] < ct || (htime[r] == ct && hseq[r] < cs))) {
      c = r;
      ct = htime[r];
      cs = hseq[r];
    }
    if (ct > lt || (ct == lt && cs > ls)) break;
    htime[i] = ct;
    hseq[i] = cs;
    hid[i] = hid[c];
    i = c;
  }
  htime[i] = lt;
  hseq[i] = ls;
  hid[i] = lid;
}

static double clock_s(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }
/* CPU time of this process: on a shared machine it excludes time spent descheduled. */
static double cpu_s(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s N T a b c d reps\n", argv[0]);
    return 2;
  }
  size_t n = strtoul(argv[1], 0, 10);
  double tend = strtod(argv[2], 0);
  uint32_t seed[4];
  for (int k = 0; k < 4; k++) seed[k] = (uint32_t)strtoul(argv[3 + k], 0, 10);
  int reps = atoi(argv[7]);
  htime = malloc(n * sizeof(double));
  hseq = malloc(n * sizeof(double));
  hid = malloc(n * sizeof(uint32_t));
  double *battery = malloc(n * sizeof(double));
  double *last = malloc(n * sizeof(double));
  uint8_t *awake = malloc(n);
  const double current[2] = {0.001, 1.0};
  const double mean[2] = {1.0, 0.1};
  for (int rep = 0; rep < reps; rep++) {
    sa = seed[0];
    sb = seed[1];
    sc = seed[2];
    sd = seed[3];
    hsize = 0;
    seqno = 0;
    double t0 = now_s();
    for (size_t i = 0; i < n; i++) {
      battery[i] = 1000.0;
      last[i] = 0.0;
      awake[i] = 0;
      push(expo(1.0), (uint32_t)i);
    }
    double t1 = now_s();
    double c1 = cpu_s();
    uint64_t events = 0;
    while (hsize > 0 && htime[0] <= tend) {
      double t;
      uint32_t id;
      pop(&t, &id);
      events++;
      uint8_t s = awake[id];
      battery[id] -= current[s] * (t - last[id]);
      last[id] = t;
      s ^= 1;
      awake[id] = s;
      push(t + expo(mean[s]), id);
    }
    double t2 = now_s();
    double c2 = cpu_s();
    double checksum = 0;
    for (size_t i = 0; i < n; i++) checksum += battery[i];
    printf("{\"engine\":\"c\",\"devices\":%zu,\"events\":%llu,\"checksum\":%.17g,\"setupS\":%.6f,\"runS\":%.6f,\"cpuS\":%.6f,\"heapBytes\":%zu}\n",
           n, (unsigned long long)events, checksum, t1 - t0, t2 - t1, c2 - c1, n * (2 * sizeof(double) + sizeof(uint32_t)));
  }
  return 0;
}
