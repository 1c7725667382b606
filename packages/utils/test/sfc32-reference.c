/*
 * Known-answer vectors for @deltaclip/utils' Rng, from the reference sfc32 as specified in
 * PractRand (Chris Doty-Humphrey, src/RNGs/sfc.cpp): state a, b, c and a counter; seeding from a
 * 64-bit s sets a = 0, b = low 32 bits of s, c = high 32 bits, counter = 1, then discards 12
 * outputs. Written independently of the TypeScript; build and run with `cc sfc32-reference.c && ./a.out`.
 */
#include <stdint.h>
#include <stdio.h>

typedef struct { uint32_t a, b, c, counter; } sfc32;

static uint32_t raw32(sfc32 *s) {
  uint32_t tmp = s->a + s->b + s->counter++;
  s->a = s->b ^ (s->b >> 9);
  s->b = s->c + (s->c << 3);
  s->c = ((s->c << 21) | (s->c >> 11)) + tmp;
  return tmp;
}

static void seed64(sfc32 *s, uint64_t v) {
  s->a = 0;
  s->b = (uint32_t)v;
  s->c = (uint32_t)(v >> 32);
  s->counter = 1;
  for (int i = 0; i < 12; i++) raw32(s);
}

int main(void) {
  const uint64_t seeds[] = {0ull, 1ull, 42ull, 4294967301ull, 9007199254740991ull};
  for (int k = 0; k < 5; k++) {
    sfc32 s;
    seed64(&s, seeds[k]);
    printf("%llu:", (unsigned long long)seeds[k]);
    for (int i = 0; i < 8; i++) printf(" %u", raw32(&s));
    printf("\n");
  }
  /* Raw state, no warm-up: a = 1, b = 2, c = 3, counter = 4. */
  sfc32 r = {1, 2, 3, 4};
  printf("raw:");
  for (int i = 0; i < 8; i++) printf(" %u", raw32(&r));
  printf("\n");
  return 0;
}
