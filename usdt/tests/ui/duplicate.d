provider test {
    probe start(uint8_t);
    probe start(uint16_t);
};
