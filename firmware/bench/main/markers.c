/* GPIO markers for the power analyser: D0 (strobe) is high while an operation or power state runs,
 * D1..D7 carry its 7-bit marker id. Wire GPIO KT_PIN_D0..D7 to the PPK2's / Joulescope's digital
 * inputs D0..D7. The id is set before the strobe rises and cleared after it falls, so every
 * sample taken with D0 high sees a stable id. Register writes (W1TS/W1TC) set all eight pins in
 * one bus write: gpio_set_level per pin would smear the edges over ~1 us. */
#include "driver/gpio.h"
#include "soc/gpio_reg.h"
#include "ops.h"

static const int pins[8] = {4, 5, 6, 7, 15, 16, 17, 18}; /* D0..D7; all < 32, one OUT register */

void kt_markers_init(void) {
  uint64_t mask = 0;
  for (int i = 0; i < 8; i++) mask |= 1ULL << pins[i];
  gpio_config_t cfg = {.pin_bit_mask = mask, .mode = GPIO_MODE_OUTPUT};
  for (int i = 0; i < 8; i++) gpio_hold_dis(pins[i]);
  gpio_config(&cfg);
  REG_WRITE(GPIO_OUT_W1TC_REG, (uint32_t)mask);
}

static uint32_t id_mask(unsigned id) {
  uint32_t m = 0;
  for (int b = 0; b < 7; b++)
    if (id & (1u << b)) m |= 1u << pins[b + 1];
  return m;
}

void kt_marker_set(unsigned id, int on) {
  if (on) {
    REG_WRITE(GPIO_OUT_W1TS_REG, id_mask(id));
    REG_WRITE(GPIO_OUT_W1TS_REG, 1u << pins[0]);
  } else {
    REG_WRITE(GPIO_OUT_W1TC_REG, 1u << pins[0]);
    REG_WRITE(GPIO_OUT_W1TC_REG, id_mask(KT_MAX_MARKER));
  }
}

void kt_markers_hold(void) {
  for (int i = 0; i < 8; i++) gpio_hold_en(pins[i]);
  gpio_deep_sleep_hold_en();
}
