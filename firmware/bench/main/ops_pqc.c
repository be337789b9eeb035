/* ML-KEM and ML-DSA at every level the profile names (pqc.mlkem512..1024, pqc.mldsa44..87).
 * Signing is randomised (hedged), so its rows show the rejection-sampling spread the profile's
 * base + N*iter model is fitted to; everything else is constant-time and its spread is noise. */
#include <stdint.h>
#include <string.h>
#include "esp_random.h"
#include "ops.h"

/* The libraries' RNG hook: the S3's hardware RNG (radio off: esp_fill_random is then a PRNG
 * seeded from SAR ADC noise; fine for timing, not for keys). */
int randombytes(uint8_t *out, size_t n) {
  esp_fill_random(out, n);
  return 0;
}

#define KEM_DECL(L)                                                          \
  int kt_mlkem##L##_keypair(uint8_t *pk, uint8_t *sk);                       \
  int kt_mlkem##L##_enc(uint8_t *ct, uint8_t *ss, const uint8_t *pk);        \
  int kt_mlkem##L##_dec(uint8_t *ss, const uint8_t *ct, const uint8_t *sk);
KEM_DECL(512)
KEM_DECL(768)
KEM_DECL(1024)
#define SIG_DECL(L)                                                                               \
  int kt_mldsa##L##_keypair(uint8_t *pk, uint8_t *sk);                                            \
  int kt_mldsa##L##_signature(uint8_t *sig, size_t *siglen, const uint8_t *m, size_t mlen,         \
                              const uint8_t *ctx, size_t ctxlen, const uint8_t *sk);               \
  int kt_mldsa##L##_verify(const uint8_t *sig, size_t siglen, const uint8_t *m, size_t mlen,       \
                           const uint8_t *ctx, size_t ctxlen, const uint8_t *pk);
SIG_DECL(44)
SIG_DECL(65)
SIG_DECL(87)

/* Static buffers sized for the largest level, so key material is not on the measured stack. */
static uint8_t pk[2592], sk[4896], ct[1568], ss[32], ss2[32], sig[4627];
static const uint8_t msg[64] = "keytwin handshake transcript hash (64 bytes, as the protocol)";
static size_t siglen;

#define KEM_OPS(L)                                                                                \
  static int kem##L##_keygen(void *x) { (void)x; return kt_mlkem##L##_keypair(pk, sk); }          \
  static int kem##L##_encaps(void *x) { (void)x; return kt_mlkem##L##_enc(ct, ss, pk); }          \
  static int kem##L##_decaps(void *x) { (void)x; return kt_mlkem##L##_dec(ss2, ct, sk); }
KEM_OPS(512)
KEM_OPS(768)
KEM_OPS(1024)
#define SIG_OPS(L)                                                                                \
  static int sig##L##_keygen(void *x) { (void)x; return kt_mldsa##L##_keypair(pk, sk); }          \
  static int sig##L##_sign(void *x) {                                                             \
    (void)x;                                                                                      \
    return kt_mldsa##L##_signature(sig, &siglen, msg, sizeof msg, NULL, 0, sk);                   \
  }                                                                                               \
  static int sig##L##_verify(void *x) {                                                           \
    (void)x;                                                                                      \
    return kt_mldsa##L##_verify(sig, siglen, msg, sizeof msg, NULL, 0, pk);                       \
  }
SIG_OPS(44)
SIG_OPS(65)
SIG_OPS(87)

/* keygen runs last in each group so encaps/decaps and sign/verify use a consistent key pair:
 * measure keygen first (it leaves a valid pair), then the ops that need it. */
#define KEM_ROWS(L)                                             \
  kt_measure(c, "mlkem" #L ".keygen", 0, kem##L##_keygen, NULL); \
  kt_measure(c, "mlkem" #L ".encaps", 0, kem##L##_encaps, NULL); \
  kt_measure(c, "mlkem" #L ".decaps", 0, kem##L##_decaps, NULL);
#define SIG_ROWS(L)                                             \
  kt_measure(c, "mldsa" #L ".keygen", 0, sig##L##_keygen, NULL); \
  kt_measure(c, "mldsa" #L ".sign", 0, sig##L##_sign, NULL);     \
  kt_measure(c, "mldsa" #L ".verify", 0, sig##L##_verify, NULL);

void kt_bench_pqc(kt_ctx *c) {
  KEM_ROWS(512)
  KEM_ROWS(768)
  KEM_ROWS(1024)
  SIG_ROWS(44)
  SIG_ROWS(65)
  SIG_ROWS(87)
}
