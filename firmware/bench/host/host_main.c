/*
 * Host build of the benchmark: the portable timing loop, statistics and formatter driven by real
 * operations from libsodium, so keytwin's parser is tested against what the C really prints
 * (test/firmware/bench-contract.test.ts). Not a stand-in for ESP32-S3 figures: the "cycle
 * counter" is clock_gettime(CLOCK_MONOTONIC) in nanoseconds, declared as a 1000 MHz clock in
 * the header so cycles -> ms stays exact, and there is no PQ library, flash or deep sleep here.
 *
 * Build: gcc -O2 -std=c11 -Iportable host/host_main.c portable/ktbench.c -lsodium -lm
 * Run:   ./a.out [runs] [--samples]
 */
#define _POSIX_C_SOURCE 199309L
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ktbench.h"

/* The flags the build used, for the header; the build passes them (-DKT_CFLAGS=...). */
#ifndef KT_CFLAGS
#define KT_CFLAGS "unknown (KT_CFLAGS not set by the build)"
#endif

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned char key[32], nonce[24], msg[4096], out[4096 + 16], pk[32], sk[32], ss[32], okm[32];

typedef struct {
  size_t bytes;
} sized;

static int op_x25519(void *ctx) {
  (void)ctx;
  return crypto_scalarmult(ss, sk, pk);
}
static int op_aesgcm(void *ctx) {
  size_t n = ((sized *)ctx)->bytes;
  return crypto_aead_aes256gcm_encrypt(out, NULL, msg, n, NULL, 0, NULL, nonce, key);
}
static int op_xchacha(void *ctx) {
  size_t n = ((sized *)ctx)->bytes;
  return crypto_aead_xchacha20poly1305_ietf_encrypt(out, NULL, msg, n, NULL, 0, NULL, nonce, key);
}
static int op_sha256(void *ctx) {
  return crypto_hash_sha256(okm, msg, ((sized *)ctx)->bytes);
}
/* HKDF-SHA256 (RFC 5869) extract + one expand block, the handshake's per-key cost; written on
 * HMAC because libsodium 1.0.18 (Debian 12) predates crypto_kdf_hkdf_sha256. */
static int op_hkdf(void *ctx) {
  (void)ctx;
  unsigned char prk[32];
  static const unsigned char salt[32], info[] = "keytwin session key\x01";
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, salt, sizeof salt);
  crypto_auth_hmacsha256_update(&st, ss, sizeof ss);
  crypto_auth_hmacsha256_final(&st, prk);
  crypto_auth_hmacsha256_init(&st, prk, sizeof prk);
  crypto_auth_hmacsha256_update(&st, info, sizeof info - 1);
  crypto_auth_hmacsha256_final(&st, okm);
  return 0;
}

int main(int argc, char **argv) {
  unsigned runs = argc > 1 ? (unsigned)atoi(argv[1]) : 50;
  int with_samples = argc > 2 && strcmp(argv[2], "--samples") == 0;
  if (sodium_init() < 0 || runs == 0) return 2;
  randombytes_buf(key, sizeof key);
  randombytes_buf(nonce, sizeof nonce);
  randombytes_buf(msg, sizeof msg);
  randombytes_buf(sk, sizeof sk);
  crypto_scalarmult_base(pk, sk);

  kt_ctx c = {.out = stdout, .counter = now_ns, .marker = NULL, .warmup = 2, .runs = runs,
              .stack_probe = 64 * 1024, .print_samples = with_samples, .next_marker = 1};
  char libs[64];
  snprintf(libs, sizeof libs, "libsodium@%s", sodium_version_string());
  int aesni = crypto_aead_aes256gcm_is_available();
  const kt_field header[] = {
      {"chip", "host-x86_64"},
      {"revision", "n/a"},
      {"clock_mhz", "1000"},
      {"counter", "clock_gettime(CLOCK_MONOTONIC) ns, not CPU cycles"},
      {"compiler", "gcc " __VERSION__},
      {"flags", KT_CFLAGS},
      {"libs", libs},
      {"x25519", "libsodium"},
      {"radio", "none"},
      {"aesgcm", aesni ? "libsodium-aesni" : "unavailable (no AES-NI)"},
  };
  kt_print_header(&c, header, sizeof header / sizeof header[0]);

  kt_measure(&c, "x25519.scalarmult", 0, op_x25519, NULL);
  static const size_t sizes[] = {16, 64, 256, 1024};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    sized s = {sizes[i]};
    if (aesni) kt_measure(&c, "aesgcm.seal", s.bytes, op_aesgcm, &s);
    kt_measure(&c, "xchacha20poly1305.seal", s.bytes, op_xchacha, &s);
  }
  static const size_t hsizes[] = {64, 1024, 4096};
  for (size_t i = 0; i < sizeof hsizes / sizeof hsizes[0]; i++) {
    sized s = {hsizes[i]};
    kt_measure(&c, "sha256", s.bytes, op_sha256, &s);
  }
  kt_measure(&c, "hkdf.sha256", 0, op_hkdf, NULL);
  kt_print_end(&c);
  return 0;
}
