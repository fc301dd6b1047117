provider test {
    probe start-now(uint8_t);
};
