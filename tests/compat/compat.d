provider compat {
    probe start(uint8_t);
    probe text(char *, uint64_t);
    probe ping();
    probe request__start(int64_t);
};
