/* bench.d without p12: usdt 0.6 accepts at most 6 arguments per probe. */
provider bench {
    probe p0();
    probe p1(uint64_t);
    probe pstr(char *, uint8_t);
    probe p6(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
};
