/* C through <sys/sdt.h>: the benchmark cases with the macros SystemTap's `dtrace -h`
 * generates from defs/bench.d, each gated by its PROBE_ENABLED() semaphore test.
 *
 * Same command line as the Rust fixtures (common/harness.rs):
 *   bench-c loop CASE N | time CASE[,CASE...] N | site CASE X */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_probes.h"

/* Rust's std::hint::black_box: the value goes through memory the compiler cannot see
 * into, and every other memory may have changed (so no load is hoisted out of a loop). */
static inline uint64_t black_box(uint64_t x)
{
    __asm__ volatile("" : : "r"(&x) : "memory");
    return x;
}

static const char *const S = "hello, world";

#define CASE(name, ...)                                         \
    __attribute__((noinline)) void loop_##name(uint64_t n)      \
    {                                                           \
        for (uint64_t i = 0; i < n; i++) {                      \
            uint64_t x = black_box(i);                          \
            (void)x;                                            \
            __VA_ARGS__                                         \
        }                                                       \
    }                                                           \
    __attribute__((noinline)) void site_##name(uint64_t x)      \
    {                                                           \
        (void)x;                                                \
        __VA_ARGS__                                             \
    }

CASE(none, )
CASE(p0, if (BENCH_P0_ENABLED()) BENCH_P0();)
CASE(p1, if (BENCH_P1_ENABLED()) BENCH_P1(x);)
CASE(pstr, if (BENCH_PSTR_ENABLED()) BENCH_PSTR((char *)S, (uint8_t)x);)
CASE(p6, if (BENCH_P6_ENABLED()) BENCH_P6(x, x + 1, x + 2, x + 3, x + 4, x + 5);)
CASE(p12, if (BENCH_P12_ENABLED())
         BENCH_P12(x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7, x + 8, x + 9, x + 10,
                   x + 11);)

struct bench_case {
    const char *name;
    void (*run)(uint64_t);
    void (*site)(uint64_t);
};

#define ENTRY(name) { #name, loop_##name, site_##name }
static const struct bench_case cases[] = {
    ENTRY(none), ENTRY(p0), ENTRY(p1), ENTRY(pstr), ENTRY(p6), ENTRY(p12),
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: BIN loop|time|site CASE[,CASE...] N\n");
        return 2;
    }
    uint64_t n = strtoull(argv[3], NULL, 10);
    char *save = NULL;
    for (char *name = strtok_r(argv[2], ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        const struct bench_case *c = NULL;
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
            if (strcmp(cases[k].name, name) == 0)
                c = &cases[k];
        if (!c) {
            fprintf(stderr, "unknown case %s\n", name);
            return 2;
        }
        if (strcmp(argv[1], "loop") == 0) {
            c->run(n);
        } else if (strcmp(argv[1], "site") == 0) {
            c->site(n);
        } else if (strcmp(argv[1], "time") == 0) {
            uint64_t t0 = now_ns();
            c->run(n);
            uint64_t ns = now_ns() - t0;
            printf("RESULT case=%s n=%llu ns=%llu allocs=0\n", name, (unsigned long long)n,
                   (unsigned long long)ns);
        } else {
            fprintf(stderr, "usage: BIN loop|time|site CASE[,CASE...] N\n");
            return 2;
        }
    }
    return 0;
}
