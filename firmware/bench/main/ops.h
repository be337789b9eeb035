/* The operations the bench measures, grouped by file; each registers its rows through ktbench. */
#ifndef KT_OPS_H
#define KT_OPS_H
#include "ktbench.h"

void kt_markers_init(void);
void kt_marker_set(unsigned id, int on);
/* Keeps the marker pins at their levels through deep sleep (released again by kt_markers_init). */
void kt_markers_hold(void);

void kt_bench_pqc(kt_ctx *c);        /* ML-KEM-512/768/1024, ML-DSA-44/65/87 (ops_pqc.c) */
void kt_bench_classical(kt_ctx *c);  /* X25519, AES-GCM, XChaCha20-Poly1305, SHA-256, HKDF */
void kt_bench_flash(kt_ctx *c);      /* page program, sector erase on the `bench` partition */
void kt_bench_states(kt_ctx *c);     /* active, idle (WAITI), light sleep, held for the analyser */
/* Deep-sleep wake-to-app: one sample per boot. Returns 1 while more wakes are needed (the caller
 * goes to deep sleep), 0 once the row has been printed. */
int kt_bench_wake(kt_ctx *c, int first_boot);
#endif
