provider test {
    probe stop();
    probe start(uint7_t);
};
