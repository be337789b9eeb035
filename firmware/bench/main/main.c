/* keytwin bench: measures every operation the calibration profile names on an ESP32-S3 at 240 MHz
 * and prints KTBENCH/1 lines (format: ../README.md) for `keytwin calibrate --bench`. Radio never
 * started. Runs in its own task pinned to core 1 with a 160 KiB internal-SRAM stack so ML-DSA-87
 * signing fits and the stack probe has room. */
#include <stdio.h>
#include "esp_chip_info.h"
#include "esp_cpu.h"
#include "esp_idf_version.h"
#include "esp_sleep.h"
#include "esp_private/esp_clk.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "mbedtls/version.h"
#include "sodium.h"
#include "ops.h"

/* The flags the build used, for the header; the build passes them (-DKT_CFLAGS=...). */
#ifndef KT_CFLAGS
#define KT_CFLAGS "unknown (KT_CFLAGS not set by the build)"
#endif

#define KT_RUNS 50
#define KT_WARMUP 2
#define KT_STACK (160 * 1024)

/* CCOUNT is 32 bits and wraps every 17.9 s at 240 MHz; extended to 64 bits here, which is exact
 * as long as it is read at least once per wrap (it is read around every operation). */
static uint64_t counter(void) {
  static uint32_t last, high;
  uint32_t now = esp_cpu_get_cycle_count();
  if (now < last) high++;
  last = now;
  return ((uint64_t)high << 32) | now;
}

static void header(kt_ctx *c) {
  esp_chip_info_t chip;
  esp_chip_info(&chip);
  char rev[16], clock[16], libs[160];
  snprintf(rev, sizeof rev, "v%d.%d", chip.revision / 100, chip.revision % 100);
  snprintf(clock, sizeof clock, "%d", esp_clk_cpu_freq() / 1000000);
  snprintf(libs, sizeof libs, "esp-idf@%s,mbedtls@%s,libsodium@%s,mlkem-native@v1.0.0,mldsa-native@v1.0.0-beta",
           esp_get_idf_version(), MBEDTLS_VERSION_STRING, sodium_version_string());
  const kt_field f[] = {
      {"chip", "ESP32-S3"},
      {"revision", rev},
      {"clock_mhz", clock},
      {"counter", "CCOUNT"},
      {"compiler", "gcc " __VERSION__},
      {"flags", KT_CFLAGS},
      {"libs", libs},
#ifdef CONFIG_KT_X25519_LIBSODIUM
      {"x25519", "libsodium"},
#else
      {"x25519", "mbedtls"},
#endif
      {"radio", "off"},
  };
  kt_print_header(c, f, sizeof f / sizeof f[0]);
}

static void bench_task(void *arg) {
  int first_boot = esp_sleep_get_wakeup_cause() != ESP_SLEEP_WAKEUP_TIMER;
  kt_ctx c = {.out = stdout, .counter = counter, .marker = kt_marker_set, .warmup = KT_WARMUP,
              .runs = KT_RUNS, .stack_probe = KT_STACK - 16 * 1024, .print_samples = 1,
              .next_marker = first_boot ? 1 : 100};
  kt_markers_init();
  if (first_boot) {
    header(&c);
    kt_bench_pqc(&c);
    kt_bench_classical(&c);
    kt_bench_flash(&c);
    kt_bench_states(&c);
  }
  if (kt_bench_wake(&c, first_boot) == 0) kt_print_end(&c);
  fflush(stdout);
  for (;;) vTaskDelay(portMAX_DELAY);
}

void app_main(void) {
  if (sodium_init() < 0) printf("%s error name=setup rc=-1 phase=sodium_init\n", KT_TAG);
  xTaskCreatePinnedToCore(bench_task, "ktbench", KT_STACK, NULL, 5, NULL, 1);
}
