/* libstapsdt's variadic functions: read the arguments, hand them to the Rust half
 * (src/lib.rs) as arrays. The exported providerAddProbe and probeFire are Rust functions
 * that jump here with the caller's registers and stack intact. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "libstapsdt.h"

SDTProbe_t *usdt_stapsdt_add_probe(SDTProvider_t *provider, const char *name, int argCount,
                                   const int *types);
void usdt_stapsdt_fire(SDTProbe_t *probe, const uint64_t *args, int count);

__attribute__((visibility("hidden")))
SDTProbe_t *usdt_stapsdt_add_probe_v(SDTProvider_t *provider, const char *name, int argCount,
                                     ...) {
  int types[SDT_MAX_ARGUMENTS] = {0};
  if (argCount < 0 || argCount > SDT_MAX_ARGUMENTS) {
    return usdt_stapsdt_add_probe(provider, name, argCount, NULL);
  }
  va_list ap;
  va_start(ap, argCount);
  for (int i = 0; i < argCount; i++) {
    /* An enum argument is passed as an int. */
    types[i] = va_arg(ap, int);
  }
  va_end(ap);
  return usdt_stapsdt_add_probe(provider, name, argCount, types);
}

__attribute__((visibility("hidden")))
void usdt_stapsdt_fire_v(SDTProbe_t *probe, ...) {
  if (probe == NULL || probe->_fire == NULL) {
    return;
  }
  int count = probe->argCount;
  if (count < 0 || count > SDT_MAX_ARGUMENTS) {
    return;
  }
  uint64_t args[SDT_MAX_ARGUMENTS] = {0};
  va_list ap;
  va_start(ap, probe);
  for (int i = 0; i < count; i++) {
    /* Every argument occupies a full 64-bit slot; the tracer reads the declared width. */
    args[i] = va_arg(ap, uint64_t);
  }
  va_end(ap);
  usdt_stapsdt_fire(probe, args, count);
}
