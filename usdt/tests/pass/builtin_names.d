/* Probe names that are also Rust's built-in attributes and prelude macros. */
provider names {
    probe used(uint8_t);
    probe test();
    probe derive();
    probe cfg();
    probe inline();
    probe write(char *);
    probe file(char *);
};
