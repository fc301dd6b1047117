/* The probes every benchmark fixture fires: C through SystemTap's dtrace -h/-G, Rust
 * through dtrace_provider!, the peers through their own macros with the same names. */
provider bench {
    probe p0();
    probe p1(uint64_t);
    probe pstr(char *, uint8_t);
    probe p6(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
    probe p12(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
              uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
};
