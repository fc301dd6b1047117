/* A program written against libstapsdt's header: one provider, probes with integers and a
 * string, fired until stdin reaches end of file. Prints `ready PATH` once loaded, then
 * `enabled` when a tracer has enabled `request`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
#include <unistd.h>

#include <libstapsdt.h>

static int input_ended(void) {
  fd_set fds;
  struct timeval wait = {0, 20000};
  FD_ZERO(&fds);
  FD_SET(0, &fds);
  if (select(1, &fds, NULL, NULL, &wait) > 0) {
    char c;
    return read(0, &c, 1) <= 0;
  }
  return 0;
}

int main(void) {
  SDTProvider_t *provider = providerInit("cprov");
  SDTProbe_t *request = providerAddProbe(provider, "request", 3, int64, uint64, int32);
  SDTProbe_t *small = providerAddProbe(provider, "small", 2, int8, uint16);
  SDTProbe_t *bad = providerAddProbe(provider, "not-addressable", 0);
  if (provider == NULL || request == NULL || small == NULL) {
    fprintf(stderr, "providerAddProbe failed\n");
    return 1;
  }
  if (bad != NULL || provider->errno != elfCreationError || provider->error == NULL) {
    fprintf(stderr, "an invalid probe name was accepted\n");
    return 1;
  }
  if (providerLoad(provider) != 0) {
    fprintf(stderr, "providerLoad: %s\n", provider->error);
    return 1;
  }
  printf("ready %s\n", provider->_filename);
  fflush(stdout);
  const char *text = "from C";
  int announced = 0;
  for (int64_t i = 1; !input_ended(); i++) {
    if (probeIsEnabled(request)) {
      if (!announced) {
        printf("enabled\n");
        fflush(stdout);
        announced = 1;
      }
      probeFire(request, -i, (uint64_t)(uintptr_t)text, (int32_t)-7);
    }
    probeFire(small, (int8_t)-3, (uint16_t)65535);
  }
  if (providerUnload(provider) != 0) {
    return 1;
  }
  probeFire(request, (int64_t)1, (uint64_t)0, (int32_t)0); /* unloaded: nothing */
  providerDestroy(provider);
  printf("done\n");
  return 0;
}
