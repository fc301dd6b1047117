/*
 * libstapsdt.h: USDT providers defined at run time, libstapsdt's API.
 *
 * This header declares the API of libstapsdt 0.1 with its types and their layouts, so that
 * programs and language bindings written for libstapsdt build and run unchanged against
 * this implementation (the usdt workspace's `usdt-stapsdt` crate, over `usdt-dynamic`).
 *
 *   SDTProvider_t *p = providerInit("myapp");
 *   SDTProbe_t *probe = providerAddProbe(p, "request", 2, uint64, int32);
 *   providerLoad(p);
 *   if (probeIsEnabled(probe))
 *       probeFire(probe, (uint64_t) id, (int32_t) status);
 *   providerUnload(p);
 *   providerDestroy(p);
 *
 * Strings are passed as uint64 arguments holding their address.
 */
#ifndef _LIBSTAPSDT_H
#define _LIBSTAPSDT_H

/* The argument types an SDTProbe_t records in argFmt. providerAddProbe takes up to
 * SDT_MAX_ARGUMENTS arguments; argFmt keeps the first MAX_ARGUMENTS of them. */
#define MAX_ARGUMENTS 6
#define SDT_MAX_ARGUMENTS 12

/* What went wrong in the last failed call on a provider (its `errno` field), with a
 * message in its `error` field. */
typedef enum {
  noError = -1,
  elfCreationError = 0,       /* the object could not be built, or a name or type is invalid */
  tmpCreationError = 1,       /* no memfd or temporary file could be written */
  sharedLibraryOpenError = 2, /* the dynamic loader refused the object */
  symbolLoadingError = 3,     /* (not produced: probes are found without symbol lookups) */
  sharedLibraryCloseError = 4 /* the dynamic loader could not unload the object */
} SDTError_t;

/* An argument's type: its size in bytes, negative when signed. */
typedef enum {
  noarg = 0,
  uint8 = 1,
  int8 = -1,
  uint16 = 2,
  int16 = -2,
  uint32 = 4,
  int32 = -4,
  uint64 = 8,
  int64 = -8
} ArgType_t;

/* Whether providerLoad writes the object to a memfd (the default) or a temporary file. */
typedef enum {
  memfd_disabled = 0,
  memfd_enabled = 1
} MemFDOption_t;

struct SDTProvider;

/* A probe. `name`, `argFmt`, `provider` and `argCount` may be read; the rest is private. */
typedef struct SDTProbe {
  char *name;
  ArgType_t argFmt[MAX_ARGUMENTS];
  void *_fire;
  struct SDTProvider *provider;
  int argCount;
} SDTProbe_t;

/* The provider's probes, the most recently added first. */
typedef struct SDTProbeList_ {
  SDTProbe_t probe;
  struct SDTProbeList_ *next;
} SDTProbeList_t;

/* A provider. `name`, `probes`, `errno` and `error` may be read; the rest is private.
 * `_filename` is the path the loaded object was opened from (`/proc/PID/fd/N` for a
 * memfd), which tracers name it by. */
typedef struct SDTProvider {
  char *name;
  SDTProbeList_t *probes;
  SDTError_t errno;
  char *error;

  void *_handle;
  char *_filename;
  int _memfd;
  MemFDOption_t _use_memfd;
} SDTProvider_t;

/* A new provider named `name`; NULL when the name is not a C identifier of at most 53
 * bytes (tracers could not address it) or memory runs out. */
SDTProvider_t *providerInit(const char *name);

/* Choose a memfd or a temporary file for the object; only while not loaded. Returns 1
 * when the choice was taken, 0 otherwise. */
int providerUseMemfd(SDTProvider_t *provider, const MemFDOption_t use_memfd);

/* Add a probe with `argCount` arguments of the ArgType_t given after it. NULL (with the
 * provider's errno and error set) for an invalid or duplicate name, an unknown type, or
 * more than SDT_MAX_ARGUMENTS arguments. The probe exists from the next providerLoad. */
SDTProbe_t *providerAddProbe(SDTProvider_t *provider, const char *name, int argCount, ...);

/* Build the provider's object and load it: 0 on success, -1 with errno and error set. */
int providerLoad(SDTProvider_t *provider);

/* Unload the provider's object: 0 on success (or when not loaded), -1 on error. Its probes
 * stay valid, and fire nothing until the next providerLoad. */
int providerUnload(SDTProvider_t *provider);

/* Unload and free the provider and its probes. */
void providerDestroy(SDTProvider_t *provider);

/* Fire the probe with its argCount arguments (integers, or strings' addresses) if a tracer
 * has enabled it; nothing when the provider is not loaded. */
void probeFire(SDTProbe_t *probe, ...);

/* 1 when a tracer has enabled the probe (its semaphore is set), else 0. */
int probeIsEnabled(SDTProbe_t *probe);

#endif
