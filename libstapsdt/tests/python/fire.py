"""The `stapsdt` package from PyPI (libstapsdt's Python binding), unchanged: a provider,
a probe with an integer and a string, fired until stdin reaches end of file."""
import select
import sys

import stapsdt

provider = stapsdt.Provider("pyprov")
probe = provider.add_probe("fired", stapsdt.ArgTypes.uint64, stapsdt.ArgTypes.int32)
provider.load()
print("ready", flush=True)
announced = False
while not select.select([sys.stdin], [], [], 0.02)[0]:
    if probe.fire("from python", 42) and not announced:
        print("enabled", flush=True)
        announced = True
provider.unload()
print("done", flush=True)
