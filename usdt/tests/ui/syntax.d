provider test {
    probe start(uint8_t;
    probe stop();
};
