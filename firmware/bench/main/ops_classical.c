/* Classical operations, each with the implementation the profile's figure is for:
 *  - X25519 (classical.x25519ScalarMult): ESP-IDF's mbedTLS (generic bignum ECP, ~90 ms per
 *    scalar multiplication on the S3) or libsodium (CONFIG_KT_X25519_LIBSODIUM); the header says which.
 *  - AES-256-GCM (classical.aesGcm + aeadCallOverhead): mbedTLS with the S3's AES accelerator.
 *  - XChaCha20-Poly1305 (classical.chacha20poly1305): libsodium.
 *  - SHA-256 (classical.sha256Hw): mbedTLS with the SHA accelerator; HKDF-SHA256 (hkdfSha256).
 * AEAD and SHA rows are measured per record size so keytwin fits t = overhead + bytes / rate. */
#include <string.h>
#include "mbedtls/ecp.h"
#include "mbedtls/gcm.h"
#include "mbedtls/hkdf.h"
#include "mbedtls/md.h"
#include "mbedtls/sha256.h"
#include "sodium.h"
#include "esp_random.h"
#include "ops.h"

static uint8_t key[32], nonce[24], msg[4096], out[4096 + 16], okm[32];
typedef struct { size_t bytes; } sized;

static int rng(void *p, unsigned char *o, size_t n) { (void)p; esp_fill_random(o, n); return 0; }

#ifdef CONFIG_KT_X25519_LIBSODIUM
static uint8_t xsk[32], xpk[32], xss[32];
static int op_x25519(void *x) { (void)x; return crypto_scalarmult(xss, xsk, xpk); }
static void x25519_setup(void) { esp_fill_random(xsk, 32); crypto_scalarmult_base(xpk, xsk); }
#else
static mbedtls_ecp_group grp;
static mbedtls_mpi d;
static mbedtls_ecp_point Q, R;
/* One scalar multiplication by a peer point: the cost of both keygen (d*G) and the shared secret. */
static int op_x25519(void *x) { (void)x; return mbedtls_ecp_mul(&grp, &R, &d, &Q, rng, NULL); }
static void x25519_setup(void) {
  mbedtls_ecp_group_init(&grp);
  mbedtls_mpi_init(&d);
  mbedtls_ecp_point_init(&Q);
  mbedtls_ecp_point_init(&R);
  mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519);
  mbedtls_ecp_gen_keypair(&grp, &d, &Q, rng, NULL);
}
#endif

static mbedtls_gcm_context gcm;
static int op_aesgcm(void *x) {
  size_t n = ((sized *)x)->bytes;
  return mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, n, nonce, 12, NULL, 0, msg, out, 16, out + n);
}
static int op_xchacha(void *x) {
  size_t n = ((sized *)x)->bytes;
  return crypto_aead_xchacha20poly1305_ietf_encrypt(out, NULL, msg, n, NULL, 0, NULL, nonce, key);
}
static int op_sha256(void *x) { return mbedtls_sha256(msg, ((sized *)x)->bytes, okm, 0); }
static int op_hkdf(void *x) {
  (void)x;
  static const uint8_t salt[32], info[] = "keytwin session key";
  return mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), salt, sizeof salt, key, 32, info,
                      sizeof info - 1, okm, sizeof okm);
}

void kt_bench_classical(kt_ctx *c) {
  esp_fill_random(key, sizeof key);
  esp_fill_random(nonce, sizeof nonce);
  esp_fill_random(msg, sizeof msg);
  x25519_setup();
  kt_measure(c, "x25519.scalarmult", 0, op_x25519, NULL);
  mbedtls_gcm_init(&gcm);
  mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 256);
  /* The protocol's record sizes: a short command, a status record, a policy blob, an OTA chunk. */
  static const size_t sizes[] = {16, 64, 256, 1024};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    sized s = {sizes[i]};
    kt_measure(c, "aesgcm.seal", s.bytes, op_aesgcm, &s);
    kt_measure(c, "xchacha20poly1305.seal", s.bytes, op_xchacha, &s);
  }
  static const size_t hsizes[] = {64, 1024, 4096};
  for (size_t i = 0; i < sizeof hsizes / sizeof hsizes[0]; i++) {
    sized s = {hsizes[i]};
    kt_measure(c, "sha256", s.bytes, op_sha256, &s);
  }
  kt_measure(c, "hkdf.sha256", 0, op_hkdf, NULL);
}
