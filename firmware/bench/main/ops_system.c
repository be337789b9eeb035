/* Flash writes, power states and the deep-sleep wake, the rows that are not crypto. */
#include <string.h>
#include "esp_attr.h"
#include "esp_cpu.h"
#include "esp_partition.h"
#include "esp_rom_sys.h"
#include "esp_sleep.h"
#include "esp_private/esp_clk.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "ops.h"

static const esp_partition_t *part;
static uint8_t page[256];
static size_t offset;

/* flash.pageProgram: one 256-byte page program into erased flash (the offset walks the partition
 * so every write hits erased cells). flash.sectorErase: one 4 KiB sector erase. */
static int op_page(void *x) {
  (void)x;
  if (offset + sizeof page > part->size) return 1; /* partition exhausted: more runs than pages */
  int rc = esp_partition_write_raw(part, offset, page, sizeof page);
  offset += sizeof page;
  return rc;
}
static size_t erase_at;
static int op_erase(void *x) {
  (void)x;
  int rc = esp_partition_erase_range(part, erase_at, 4096);
  erase_at = (erase_at + 4096) % part->size;
  return rc;
}

void kt_bench_flash(kt_ctx *c) {
  part = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, 0x40, "bench");
  if (!part) {
    fprintf(c->out, "%s error name=flash.write rc=-1 phase=setup\n", KT_TAG);
    return;
  }
  memset(page, 0x5a, sizeof page);
  kt_measure(c, "flash.erase", 4096, op_erase, NULL);
  esp_partition_erase_range(part, 0, part->size);
  offset = 0;
  kt_measure(c, "flash.write", 256, op_page, NULL);
}

/* Power states for the analyser: each is held KT_STATE_MS with its marker high, so the trace
 * gives the state's current directly (mcu.activeOneCore, idleWaiti, lightSleep). */
#define KT_STATE_MS 2000
static void busy_ms(unsigned ms) {
  uint32_t end = esp_cpu_get_cycle_count() + ms * (esp_clk_cpu_freq() / 1000);
  while ((int32_t)(end - esp_cpu_get_cycle_count()) > 0) {}
}

void kt_bench_states(kt_ctx *c) {
  unsigned id = kt_marker(c, "state", "active", 0);
  kt_print_state(c, id, "active", KT_STATE_MS);
  fflush(c->out);
  kt_marker_set(id, 1);
  busy_ms(KT_STATE_MS);
  kt_marker_set(id, 0);

  id = kt_marker(c, "state", "idle", 0);
  kt_print_state(c, id, "idle", KT_STATE_MS);
  fflush(c->out);
  kt_marker_set(id, 1);
  vTaskDelay(pdMS_TO_TICKS(KT_STATE_MS)); /* both cores in WAITI: nothing else is runnable */
  kt_marker_set(id, 0);

  id = kt_marker(c, "state", "lightSleep", 0);
  kt_print_state(c, id, "lightSleep", KT_STATE_MS);
  fflush(c->out);
  /* GPIO levels are kept through light sleep when held. */
  kt_marker_set(id, 1);
  esp_sleep_enable_timer_wakeup((uint64_t)KT_STATE_MS * 1000);
  esp_light_sleep_start();
  kt_marker_set(id, 0);
}

/* Deep-sleep wake-to-app. The RTC timer runs through deep sleep; before sleeping we record its
 * time and the sleep length in RTC memory, and at app start the excess is the wake path (ROM,
 * 2nd-stage bootloader, app image load and init up to app_main). Converted to cycles at the
 * header's clock so it is a row like any other. One sample per boot: KT_WAKES boots in all. */
#define KT_WAKES 20
#define KT_SLEEP_US 1000000ULL
static RTC_DATA_ATTR uint64_t slept_at_us;
static RTC_DATA_ATTR unsigned wakes;
static RTC_DATA_ATTR uint64_t wake_cycles[KT_WAKES];
static RTC_DATA_ATTR unsigned deep_id;
/* The op rows printed before the first sleep, so the final `end rows=` counts the whole log. */
static RTC_DATA_ATTR unsigned saved_rows;

int kt_bench_wake(kt_ctx *c, int first_boot) {
  uint64_t now = esp_rtc_get_time_us();
  if (first_boot) {
    wakes = 0;
    deep_id = kt_marker(c, "state", "deepSleep", 0);
    kt_print_state(c, deep_id, "deepSleep", (unsigned)(KT_SLEEP_US / 1000));
  } else if (wakes < KT_WAKES) {
    c->rows = saved_rows;
    uint64_t us = now - slept_at_us - KT_SLEEP_US;
    wake_cycles[wakes++] = us * (uint64_t)(esp_clk_cpu_freq() / 1000000);
  }
  if (wakes >= KT_WAKES) {
    kt_print_samples(c, "wake.deepsleep", 0, wake_cycles, KT_WAKES);
    kt_stats s;
    kt_stats_compute(wake_cycles, KT_WAKES, &s);
    kt_print_row(c, "wake.deepsleep", 0, &s, -1);
    return 0;
  }
  fflush(c->out);
  kt_marker_set(deep_id, 1);
  /* Hold the marker pins through deep sleep so the analyser sees the whole sleep as one state. */
  kt_markers_hold();
  saved_rows = c->rows;
  esp_sleep_enable_timer_wakeup(KT_SLEEP_US);
  slept_at_us = esp_rtc_get_time_us();
  esp_deep_sleep_start();
  return 1; /* not reached */
}
